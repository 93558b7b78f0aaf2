{{ config(materialized='incremental') }}
select id, placed, updated_at
from {{ source('shop', 'orders') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) - interval '{{ var("lookback_days", 3) }} days' from {{ this }})
{% endif %}
