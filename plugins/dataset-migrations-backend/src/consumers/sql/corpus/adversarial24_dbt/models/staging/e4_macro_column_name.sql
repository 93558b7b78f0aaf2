select id, {{ to_dollars('amount_cents') }} as dollars
from {{ source('shop', 'orders') }}
