UPDATE t SET c = 'q' WHERE id = 1;
SELECT id, c || '|' AS bar, octet_length(c) AS o FROM t WHERE c IS NOT NULL ORDER BY id;
