WITH t AS (SELECT 1 AS id) INSERT INTO t (id, k, n, s) SELECT 9, 9, 9, 'z' FROM t;
SELECT id, n FROM t ORDER BY id;
