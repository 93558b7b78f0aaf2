SELECT DISTINCT ON (k) n AS kk, k / 20 AS half FROM t ORDER BY k, n;
