{% set orders = source('shop', 'orders') %}

select id as order_id, qty, amount_cents / 100 as dollars
from {{ orders }}
