SELECT array_agg(DISTINCT n ORDER BY n) AS ns, string_agg(DISTINCT name, ',' ORDER BY name) AS names FROM t;
