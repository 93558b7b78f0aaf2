select '{{ source("shop", "orders") }}' as loaded_from, count(*) as n
from {{ source('shop', 'orders') }}
