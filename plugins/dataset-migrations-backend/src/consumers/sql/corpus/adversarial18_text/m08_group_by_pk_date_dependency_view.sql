CREATE TEMP VIEW v AS SELECT t.k, t.d, count(u.id) AS n FROM t LEFT JOIN u ON u.id = t.id GROUP BY t.k;
SELECT k, d, n FROM v ORDER BY k;
