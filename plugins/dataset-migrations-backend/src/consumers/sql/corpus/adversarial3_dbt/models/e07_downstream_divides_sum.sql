select cust, total / 4 as quarter from {{ ref('e06_sum_model') }}
