SELECT k AS n, n AS k FROM t ORDER BY k, n;
