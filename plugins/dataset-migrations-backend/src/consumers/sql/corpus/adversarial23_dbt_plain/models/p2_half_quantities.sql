select order_id, quantity / 2 as half_quantity
from {{ ref('p1_stg_orders') }}
