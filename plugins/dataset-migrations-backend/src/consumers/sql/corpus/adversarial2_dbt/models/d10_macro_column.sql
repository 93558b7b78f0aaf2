select {{ key_column() }} as k, count(*) as n
from {{ ref('orders') }}
group by 1
