{% macro cols_except(rel, skip) %}{% for c in ['id','cust','amount'] if c not in skip %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}{% endmacro %}
select {{ cols_except(source('shop','purchases'), ['amount']) }} from {{ source('shop', 'purchases') }}
