select {{ order_columns() | join(', ') }}
from {{ source('shop', 'orders') }}
