SELECT id, lag(id, q) OVER (ORDER BY id) AS back FROM t ORDER BY id;
