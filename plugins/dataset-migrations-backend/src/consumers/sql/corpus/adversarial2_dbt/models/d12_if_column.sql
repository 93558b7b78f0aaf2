select id, {% if target.name == 'prod' %}id{% else %}cust{% endif %} as who
from {{ ref('orders') }}
