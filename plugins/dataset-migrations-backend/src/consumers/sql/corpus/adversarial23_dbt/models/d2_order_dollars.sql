select
    id as order_id,
    amount_cents / 100 as dollars,
    amount_cents % 100 as cents
from {{ source('shop', 'orders') }}
