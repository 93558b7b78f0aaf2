CREATE TEMP TABLE snap AS SELECT k, n, c FROM t;
SELECT k, sum(n) AS total, max(c) AS c FROM snap GROUP BY k ORDER BY k;
