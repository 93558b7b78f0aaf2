select id as order_id, qty
from {{ source('shop', 'orders') }}
