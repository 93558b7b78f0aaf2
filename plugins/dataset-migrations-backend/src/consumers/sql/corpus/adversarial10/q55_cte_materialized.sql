WITH x AS MATERIALIZED (SELECT k, n, c FROM t), y AS NOT MATERIALIZED (SELECT k, count(*) AS cnt FROM x GROUP BY k)
SELECT x.k, x.n, x.c, y.cnt FROM x JOIN y USING (k) ORDER BY x.k, x.n;
