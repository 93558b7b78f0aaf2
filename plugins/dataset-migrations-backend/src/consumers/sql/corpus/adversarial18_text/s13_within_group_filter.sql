SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d) AS p, mode() WITHIN GROUP (ORDER BY ch) AS m, count(*) FILTER (WHERE ch = 'ab ') AS f, max(ch) AS mx FROM t;
