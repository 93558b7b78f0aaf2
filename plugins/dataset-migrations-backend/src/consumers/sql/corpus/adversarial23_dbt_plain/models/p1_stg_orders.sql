select
    id as order_id,
    customer_id,
    qty as quantity,
    amount_cents
from {{ source('shop', 'orders') }}
