select id
{%- for p in [{'alias': 'paid', 'col': 'amount'}, {'alias': 'units', 'col': 'qty'}] %},
  {{ p.col }} as {{ p.alias }}
{%- endfor %}
from {{ ref('orders') }}
