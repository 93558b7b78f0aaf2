select {{ loaded_from(source('shop', 'orders')) }} as loaded_from, id
from {{ source('shop', 'orders') }}
