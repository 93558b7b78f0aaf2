{% set amount_col = 'amount_cents' %}
select id, {{ amount_col }} / 100 as dollars from {{ source('shop', 'orders') }}
