select id, {{ dbt_utils.safe_divide('amount', 'qty') }} as unit_price
from {{ source('shop', 'orders') }}
