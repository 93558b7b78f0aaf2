SELECT id, cust::bigint, note::text, "Amount"::float8, created_at::date
FROM orders
ORDER BY id;
