WITH gone AS (SELECT id FROM orders WHERE status = 'void' OR cust IS NULL)
DELETE FROM orders WHERE id IN (SELECT id FROM gone);
SELECT id FROM orders ORDER BY id;
