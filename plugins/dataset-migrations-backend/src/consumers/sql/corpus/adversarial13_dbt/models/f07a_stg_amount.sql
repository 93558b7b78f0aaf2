select id, cust, amount as amt, qty
from {{ source('shop', 'orders') }}
