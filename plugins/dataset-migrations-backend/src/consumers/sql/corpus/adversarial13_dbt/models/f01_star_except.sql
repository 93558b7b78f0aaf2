select {{ dbt_utils.star(from=source('shop', 'orders'), except=['note', 'updated_at']) }}
from {{ source('shop', 'orders') }}
