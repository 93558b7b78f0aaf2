{% set extra = ['qty'] %}
select {{ source('shop', 'orders') }}.id{% for c in extra %}, {{ c }}{% endfor %}
from {{ source('shop', 'orders') }}
