{{ config(materialized='ephemeral') }}
select cust, qty from {{ source('shop', 'orders') }}
