UPDATE t SET d = d + interval '36 hours' WHERE id = 1;
SELECT id, d FROM t ORDER BY id;
