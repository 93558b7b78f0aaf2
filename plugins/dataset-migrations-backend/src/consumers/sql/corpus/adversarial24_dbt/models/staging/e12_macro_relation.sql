select id, qty, amount_cents / 100 as dollars from {{ orders_rel() }}
