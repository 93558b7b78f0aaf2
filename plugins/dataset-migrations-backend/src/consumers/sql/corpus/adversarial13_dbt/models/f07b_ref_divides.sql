select cust, sum(amt) / count(*) as avg_amt, max(qty) / 2 as half_qty
from {{ ref('f07a_stg_amount') }}
group by cust
