SELECT id, n / 3 AS a, n * n AS b, round(n, 1) AS c, n::text AS e, scale(n) AS f, to_char(n, '999.999') AS g, sum(n) OVER () AS h FROM t ORDER BY id;
