UPDATE t SET n = big.v FROM big WHERE big.id = t.id;
SELECT id, n FROM t ORDER BY id;
