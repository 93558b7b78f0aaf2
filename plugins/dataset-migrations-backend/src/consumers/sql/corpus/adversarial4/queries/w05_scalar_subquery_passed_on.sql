WITH m AS (SELECT (SELECT max(n) FROM t) AS top) SELECT top / 2 AS h FROM m;
