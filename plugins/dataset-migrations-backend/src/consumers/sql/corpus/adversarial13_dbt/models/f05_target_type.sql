select id,
{% if target.type == 'postgres' %}
  amount::numeric / 100 as dollars
{% else %}
  amount / 100.0 as dollars
{% endif %}
from {{ source('shop', 'orders') }}
