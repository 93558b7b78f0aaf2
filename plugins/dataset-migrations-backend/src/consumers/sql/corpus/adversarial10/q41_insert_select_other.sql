CREATE TEMP TABLE dest (key integer, qty integer, code char(4));
INSERT INTO dest (key, qty, code) SELECT k, n, c FROM t;
SELECT key, qty, code, qty / 2 AS half FROM dest ORDER BY key, qty;
