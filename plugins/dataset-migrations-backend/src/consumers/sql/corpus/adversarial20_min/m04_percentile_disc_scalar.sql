-- Near miss: one fraction, one of the n (read as it is).
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS median, mode() WITHIN GROUP (ORDER BY s) AS most FROM t;
