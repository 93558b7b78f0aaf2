SELECT min(e) AS lo, max(e) AS hi, array_agg(e ORDER BY e) AS ordered FROM t;
