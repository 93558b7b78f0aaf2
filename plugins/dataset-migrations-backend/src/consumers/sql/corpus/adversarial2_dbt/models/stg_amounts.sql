select id, amount as amt, cust from {{ ref('orders') }}
