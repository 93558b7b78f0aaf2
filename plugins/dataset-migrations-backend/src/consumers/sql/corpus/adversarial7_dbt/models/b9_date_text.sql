select id, placed::text as day, qty from {{ source('shop', 'orders') }}
