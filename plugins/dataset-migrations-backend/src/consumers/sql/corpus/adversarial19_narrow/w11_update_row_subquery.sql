UPDATE t SET (n, note) = (SELECT v, 'big' FROM big WHERE big.id = 1) WHERE id = 2;
SELECT id, n, note FROM t ORDER BY id;
