CREATE VIEW tv AS SELECT id, k, n, c FROM t;
CREATE VIEW tv2 AS SELECT k, sum(n) AS total, max(c) AS c FROM tv GROUP BY k;
SELECT * FROM tv2 ORDER BY k;
