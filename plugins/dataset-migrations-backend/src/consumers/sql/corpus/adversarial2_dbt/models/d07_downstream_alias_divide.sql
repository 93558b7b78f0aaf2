select id, amt / 3 as third, cust
from {{ ref('stg_amounts') }}
