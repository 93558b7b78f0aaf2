select status, count(*) as order_count
from {{ source('shop', 'orders') }}
group by status
