{% macro order_lines() -%}
    select id as order_id, qty, amount_cents / 100 as dollars
    from {{ source('shop', 'orders') }}
{%- endmacro %}
