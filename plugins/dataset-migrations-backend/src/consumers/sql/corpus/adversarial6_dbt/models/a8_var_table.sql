select id, cust from {{ var('orders_table') }}
