SELECT count(DISTINCT k) FILTER (WHERE n > 0) AS keys,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS median,
       mode() WITHIN GROUP (ORDER BY k) AS common
FROM t;
