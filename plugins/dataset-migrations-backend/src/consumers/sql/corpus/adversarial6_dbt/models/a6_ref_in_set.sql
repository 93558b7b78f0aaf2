{% set orders = ref('raw_orders') %}
select id, cust from {{ orders }}
