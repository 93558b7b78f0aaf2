SELECT id, greatest(n, k) AS g, least(p, 2) AS l, nullif(k, 10) AS nk FROM t ORDER BY id;
