select status, cust, sum(qty) as units
from {{ source('shop', 'orders') }}
{{ dbt_utils.group_by(2) }}
