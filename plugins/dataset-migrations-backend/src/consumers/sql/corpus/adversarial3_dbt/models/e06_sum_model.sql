select cust, sum(amount) as total from {{ source('shop', 'purchases') }} group by cust
