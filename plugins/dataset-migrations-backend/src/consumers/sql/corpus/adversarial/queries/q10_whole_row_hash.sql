-- change detection hash, as dbt snapshots do
SELECT id, md5(orders::text) AS row_hash
FROM orders
WHERE id <= 3;
