select id, cust from {{ source('shop', 'orders_quoted') }}
