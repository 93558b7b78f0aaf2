{% macro orders_rel() %}{{ source('shop', 'orders') }}{% endmacro %}

{% macro order_columns() %}{{ return(['id', 'cust', 'amount']) }}{% endmacro %}

{% macro cents(col='amount', scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}

{% macro from_orders(cols) %}
select {{ cols | join(', ') }} from {{ source('shop', 'orders') }}
{% endmacro %}

{% macro half(col) %}{{ return(adapter.dispatch('half')(col)) }}{% endmacro %}
{% macro default__half(col) %}{{ col }} / 2.0{% endmacro %}
{% macro postgres__half(col) %}{{ col }} / 2{% endmacro %}

{% macro key_of(name) %}{{ return({'orders': 'cust', 'customers': 'id'}[name]) }}{% endmacro %}

{% macro recent(col, days=3650) %}{{ col }} >= timestamp '2024-01-01' - interval '{{ days }} days'{% endmacro %}

{% macro loaded_from(rel) %}'{{ rel }}'{% endmacro %}
