{% macro orders_rel() -%}
    {{ source('shop', 'orders') }}
{%- endmacro %}
