select c.name, count(o.id) as orders, sum(o.qty) as items
from {{ source('crm', 'customers') }} as c
left join {{ source('shop', 'orders') }} as o on o.customer_id = c.id
group by c.name
