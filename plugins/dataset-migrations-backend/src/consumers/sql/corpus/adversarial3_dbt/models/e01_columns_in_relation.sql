{% set cols = adapter.get_columns_in_relation(source('shop', 'purchases')) %}
select {% for c in cols %}{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %}
from {{ source('shop', 'purchases') }}
