SELECT to_json(x)::text AS j FROM t AS x WHERE x.id < 3 ORDER BY 1;
