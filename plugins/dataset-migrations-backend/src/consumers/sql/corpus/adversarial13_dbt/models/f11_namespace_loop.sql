{% set ns = namespace(cols=[]) %}
{% for c in ['id', 'qty', 'status'] %}{% set ns.cols = ns.cols + [c] %}{% endfor %}
select {{ ns.cols | join(', ') }}
from {{ source('shop', 'orders') }}
