select {{ dbt_utils.generate_surrogate_key(['id', 'cust']) }} as order_key, id, cust
from {{ source('shop', 'orders') }}
