SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY k) AS med, count(*) FILTER (WHERE k > 15) AS big, mode() WITHIN GROUP (ORDER BY k) AS m FROM t;
