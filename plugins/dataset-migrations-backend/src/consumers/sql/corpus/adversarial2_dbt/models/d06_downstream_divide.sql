select id, amount / 3 as third, qty
from {{ ref('stg_orders') }}
