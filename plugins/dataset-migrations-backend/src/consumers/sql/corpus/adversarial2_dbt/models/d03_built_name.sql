select id, {{ per('am' ~ 'ount', 3) }} as third
from {{ ref('orders') }}
