select id, cust from {{ orders_relation() }}
