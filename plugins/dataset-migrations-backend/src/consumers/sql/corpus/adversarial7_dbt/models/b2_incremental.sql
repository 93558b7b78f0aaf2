{{ config(materialized='incremental', unique_key='id') }}
select id, cust, qty from {{ source('shop', 'orders') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
