select id, {{ half('amount') }} as half_amount, {{ half('qty') }} as half_qty
from {{ source('shop', 'orders') }}
