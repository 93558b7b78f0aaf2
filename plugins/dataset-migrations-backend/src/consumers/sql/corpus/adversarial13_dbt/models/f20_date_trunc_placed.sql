select {{ dbt.date_trunc('day', 'placed') }} as day, count(*) as n
from {{ source('shop', 'orders') }}
group by 1
