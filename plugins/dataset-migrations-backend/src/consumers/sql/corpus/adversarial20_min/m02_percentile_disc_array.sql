SELECT percentile_disc(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY n) AS quartiles FROM t;
