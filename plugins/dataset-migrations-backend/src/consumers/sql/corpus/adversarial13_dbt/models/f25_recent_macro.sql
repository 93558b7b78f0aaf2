select id, placed
from {{ source('shop', 'orders') }}
where {{ recent('placed') }}
