select id, cust from {{ ref('adversarial6', 'raw_orders') }}
