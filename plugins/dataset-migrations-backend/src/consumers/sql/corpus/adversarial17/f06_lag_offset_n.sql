SELECT id, lag(k, n) OVER (ORDER BY id) AS back, lead(k, n, 0) OVER (ORDER BY id) AS fwd FROM t ORDER BY id;
