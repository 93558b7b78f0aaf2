{# amount is in cents; cust is the customer #}
select id, cust as customer, amount -- amount in cents
from {{ ref('orders') }}
