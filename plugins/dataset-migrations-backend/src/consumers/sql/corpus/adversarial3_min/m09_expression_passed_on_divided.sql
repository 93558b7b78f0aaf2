WITH m AS (SELECT max(n) AS top FROM t) SELECT top / 2 AS half FROM m;
