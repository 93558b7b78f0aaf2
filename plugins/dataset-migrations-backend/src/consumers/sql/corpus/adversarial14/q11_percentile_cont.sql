SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS med, percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS med_d FROM t;
