CREATE VIEW tv AS SELECT k, n, c FROM t WHERE n > 0;
SELECT k, sum(n) AS total, min(c) AS c FROM tv GROUP BY k ORDER BY k;
