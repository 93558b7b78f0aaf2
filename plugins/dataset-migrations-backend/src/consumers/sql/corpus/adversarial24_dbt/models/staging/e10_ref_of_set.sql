{% set upstream = ref('e2_source_keywords') %}
select order_id, qty * 2 as double_qty from {{ upstream }}
