select 0 as a union all select qty from {{ ref('raw_orders') }}
