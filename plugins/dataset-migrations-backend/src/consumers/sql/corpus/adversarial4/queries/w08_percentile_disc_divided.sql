SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) / 2 AS h FROM t;
