{% macro total_of(col) -%}
sum({{ col }})
{%- endmacro %}

{% macro per(col, n) -%}
({{ col }} / {{ n }})
{%- endmacro %}

{% macro key_column() -%}
cust
{%- endmacro %}
