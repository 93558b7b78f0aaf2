select id, {{ cents() }} as dollars
from {{ source('shop', 'orders') }}
