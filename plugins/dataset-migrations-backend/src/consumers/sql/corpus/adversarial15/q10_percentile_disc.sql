SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) / 2 AS med FROM t;
