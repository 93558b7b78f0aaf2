{% set rows = run_query("select max(amount) from orders") %}
select id, amount from {{ source('shop', 'purchases') }}
