SELECT id, k, n FROM t NATURAL JOIN (VALUES (1, 10), (3, 99)) v(id) ORDER BY id;
