select cust, sum(qty) as total from {{ ref('raw_orders') }} group by cust
