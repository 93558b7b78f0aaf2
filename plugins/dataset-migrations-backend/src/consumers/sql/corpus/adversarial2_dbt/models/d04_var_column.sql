select {{ var('key_col', 'cust') }} as k, amount
from {{ ref('orders') }}
