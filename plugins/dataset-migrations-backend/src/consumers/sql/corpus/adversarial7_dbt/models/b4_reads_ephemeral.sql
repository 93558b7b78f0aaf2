select cust, qty / 2 as half from {{ ref('b3_ephemeral') }}
