select id, cust, amount from {{ orders_rel() }}
