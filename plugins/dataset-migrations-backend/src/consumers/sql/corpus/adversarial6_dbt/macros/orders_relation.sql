{% macro orders_relation() %}{{ ref('raw_orders') }}{% endmacro %}
