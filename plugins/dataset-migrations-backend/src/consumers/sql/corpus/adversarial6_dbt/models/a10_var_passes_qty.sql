select cust, qty from {{ var('orders_table') }}
