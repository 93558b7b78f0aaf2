select id, cast(status as {{ dbt.type_string() }}) as status_text, length(status) as len
from {{ source('shop', 'orders') }}
