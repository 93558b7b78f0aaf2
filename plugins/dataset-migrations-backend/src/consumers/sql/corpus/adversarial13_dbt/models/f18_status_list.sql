{% set statuses = ['paid', 'open'] %}
select cust,
  sum(case when status in ({% for s in statuses %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %}) then amount else 0 end) as live_amount
from {{ source('shop', 'orders') }}
group by cust
