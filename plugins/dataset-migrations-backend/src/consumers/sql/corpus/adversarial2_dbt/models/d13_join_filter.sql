{% set cols = ['id', 'cust', 'amount'] %}
select {{ cols | join(', ') }}
from {{ ref('orders') }}
