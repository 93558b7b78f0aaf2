select cust, total / 4 as quarter from {{ ref('adversarial6', 'a2_sum') }}
