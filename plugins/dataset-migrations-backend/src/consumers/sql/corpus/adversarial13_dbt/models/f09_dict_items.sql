{% set renames = {'cust': 'customer', 'amount': 'paid'} %}
select id
{%- for col, alias in renames.items() %},
  {{ col }} as {{ alias }}
{%- endfor %}
from {{ source('shop', 'orders') }}
