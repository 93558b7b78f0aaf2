select id as order_id, qty, status
from {{ source(source_name='shop', table_name='orders') }}
