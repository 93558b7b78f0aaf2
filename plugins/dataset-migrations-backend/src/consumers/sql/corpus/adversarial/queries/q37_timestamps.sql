SELECT id,
       coalesce(created_at, '2024-01-01'::timestamp) AS ts,
       date_trunc('month', created_at) AS month,
       extract(epoch FROM created_at) AS epoch
FROM orders
ORDER BY id;
