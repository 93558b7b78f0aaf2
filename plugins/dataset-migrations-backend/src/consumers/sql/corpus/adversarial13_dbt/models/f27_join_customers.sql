{% set key = key_of('orders') %}
select o.id, c.name, o.{{ key }} as customer
from {{ source('shop', 'orders') }} as o
join {{ source('shop', 'customers') }} as c on c.id = o.{{ key }}
