UPDATE t SET d = d + interval '20 hours';
SELECT id, d FROM t ORDER BY id;
