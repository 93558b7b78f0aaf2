select id, cust from {{ source('shop', 'purchases') }} tablesample bernoulli (100)
