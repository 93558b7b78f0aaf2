select id, {{ adapter.quote('cust') }} as who from {{ source('shop', 'orders') }}
