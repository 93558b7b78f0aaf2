select o.* from {{ source('shop', 'orders') }} as o natural join {{ ref('b1_identifier') }} as b
