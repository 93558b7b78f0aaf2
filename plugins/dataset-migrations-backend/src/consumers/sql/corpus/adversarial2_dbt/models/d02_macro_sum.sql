select cust, {{ total_of('amount') }} as total
from {{ ref('orders') }}
group by cust
