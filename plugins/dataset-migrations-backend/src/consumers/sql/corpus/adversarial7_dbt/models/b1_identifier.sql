select id, cust from {{ source('shop', 'orders') }}
