SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS med, mode() WITHIN GROUP (ORDER BY n) AS mo FROM t;
