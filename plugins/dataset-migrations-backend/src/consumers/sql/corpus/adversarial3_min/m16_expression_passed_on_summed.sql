WITH x AS (SELECT coalesce(n, 0) AS a FROM t) SELECT sum(a) / 4 AS q FROM x;
