select id, qty, amount_cents / 100 as dollars from {{ var('orders_relation') }}
