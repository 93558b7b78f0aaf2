select id, cust, amount from {{ source('shop', 'purchases') }}
