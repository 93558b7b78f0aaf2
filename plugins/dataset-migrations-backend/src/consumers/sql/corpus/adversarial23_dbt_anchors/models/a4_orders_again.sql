select id, qty
from {{ source('shop_refunds', 'refunds') }}
