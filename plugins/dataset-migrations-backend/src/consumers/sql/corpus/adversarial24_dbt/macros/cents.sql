{% macro to_dollars(column_name) -%}
    ({{ column_name }} / 100)
{%- endmacro %}
