select id as order_id, amount_cents / 100 as dollars
from {{ source('shop', 'orders') }}
