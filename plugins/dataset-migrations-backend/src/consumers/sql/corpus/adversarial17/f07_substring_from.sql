SELECT id, substring('abcdefghij' FROM n FOR 2) AS sub FROM t ORDER BY id;
