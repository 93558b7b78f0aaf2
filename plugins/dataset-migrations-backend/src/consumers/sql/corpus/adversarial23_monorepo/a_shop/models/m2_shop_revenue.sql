select customer_id, sum(amount_cents) / 100 as dollars
from {{ source('shop', 'orders') }}
group by customer_id
