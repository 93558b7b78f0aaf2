select cust, amt * 1.0 / 3 as third, qty / 2 as half_qty
from {{ ref('f07a_stg_amount') }}
