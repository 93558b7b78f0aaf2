select order_id, amount_cents / 100 as dollars
from {{ ref('p1_stg_orders') }}
