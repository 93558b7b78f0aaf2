with m as (select cust, max(amount) as top from {{ source('shop', 'purchases') }} group by cust)
select cust, top / 2 as half from m
