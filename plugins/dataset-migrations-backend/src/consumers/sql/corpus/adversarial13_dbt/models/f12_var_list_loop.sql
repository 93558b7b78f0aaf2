select
{% for c in var('order_cols') %}
  {{ c }}{% if not loop.last %},{% endif %}
{% endfor %}
from {{ source('shop', 'orders') }}
