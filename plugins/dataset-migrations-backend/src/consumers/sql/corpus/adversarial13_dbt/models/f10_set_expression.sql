{% set total_expr = "amount * qty" %}
select id, {{ total_expr }} as total
from {{ source('shop', 'orders') }}
