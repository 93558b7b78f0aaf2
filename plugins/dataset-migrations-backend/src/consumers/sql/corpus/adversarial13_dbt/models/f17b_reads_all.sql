select id, cust, note, placed from {{ ref('f17a_all_orders') }}
