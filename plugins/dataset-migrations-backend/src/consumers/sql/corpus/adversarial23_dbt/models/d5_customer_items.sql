select customer_id, sum(quantity) as items
from {{ ref('d1_stg_orders') }}
group by customer_id
