select
    id,
    {% for col in ['qty', 'amount_cents'] -%}
    sum({{ col }}) as total_{{ col }}{% if not loop.last %},{% endif %}
    {% endfor %}
from {{ source('shop', 'orders') }}
group by id
