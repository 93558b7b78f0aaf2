{% set key = 'cust' %}
select {{ key }}, count(*) as n
from {{ ref('orders') }}
group by {{ key }}
