select cust, qty / 2 as half from {{ ref('a10_var_passes_qty') }}
