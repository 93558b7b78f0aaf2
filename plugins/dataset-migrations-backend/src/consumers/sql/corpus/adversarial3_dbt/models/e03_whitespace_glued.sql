{%- set c = 'cu' -%}
select id, {{ c -}}st as who from {{ source('shop', 'purchases') }}
