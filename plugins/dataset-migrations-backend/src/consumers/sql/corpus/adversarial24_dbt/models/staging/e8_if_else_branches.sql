select id,
{% if var('use_cents', true) %}
    amount_cents as amount
{% else %}
    qty as amount
{% endif %}
from {{ source('shop', 'orders') }}
