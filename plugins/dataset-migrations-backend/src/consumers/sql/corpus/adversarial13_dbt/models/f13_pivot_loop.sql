select cust,
{% for q in range(1, 4) %}
  sum(case when qty = {{ q }} then amount else 0 end) as amount_qty_{{ q }},
{% endfor %}
  count(*) as n
from {{ source('shop', 'orders') }}
group by cust
