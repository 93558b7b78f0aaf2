with o as (select cust, qty from {{ ref('raw_orders') }})
select who, amount / 2 as half from o as o2(who, amount)
