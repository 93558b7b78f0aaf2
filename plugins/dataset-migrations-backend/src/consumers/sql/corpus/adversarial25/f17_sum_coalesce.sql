SELECT coalesce(sum(n), 0) / 4 AS q FROM t;
