select {{ key_of('orders') }} as k, count(*) as n
from {{ source('shop', 'orders') }}
group by 1
