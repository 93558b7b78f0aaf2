select id, {{ var('who_col', 'cust') }} as who from {{ source('shop', 'purchases') }}
