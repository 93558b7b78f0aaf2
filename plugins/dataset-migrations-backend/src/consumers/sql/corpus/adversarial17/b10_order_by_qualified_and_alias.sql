SELECT n AS k, k AS n FROM t ORDER BY k, n;
