SELECT id, n AS kk, rank() OVER (ORDER BY k) AS r FROM t ORDER BY id;
