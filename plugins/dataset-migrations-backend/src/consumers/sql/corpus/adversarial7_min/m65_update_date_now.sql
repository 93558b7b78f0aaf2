UPDATE t SET d = timestamp '2024-06-01 18:30' WHERE id = 1;
SELECT id, d, d::text AS dt FROM t ORDER BY id;
