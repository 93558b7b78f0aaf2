select cust, sum(qty) as total from {{ ref('b2_incremental') }} group by cust
