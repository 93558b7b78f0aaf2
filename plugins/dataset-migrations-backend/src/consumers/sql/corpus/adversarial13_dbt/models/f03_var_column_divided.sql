select id, {{ var('amount_col') }} / 100 as dollars
from {{ source('shop', 'orders') }}
