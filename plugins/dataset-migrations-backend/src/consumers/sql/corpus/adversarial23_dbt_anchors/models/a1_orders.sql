select id as order_id, customer_id, qty
from {{ source('shop', 'orders') }}
