SELECT id, n INTO TEMP c FROM t;
SELECT id, n / 2 AS half FROM c ORDER BY id;
