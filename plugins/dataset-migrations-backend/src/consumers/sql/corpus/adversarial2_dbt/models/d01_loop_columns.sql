{% set cols = ['id', 'cust', 'amount'] %}
select
  {% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
from {{ ref('orders') }}
