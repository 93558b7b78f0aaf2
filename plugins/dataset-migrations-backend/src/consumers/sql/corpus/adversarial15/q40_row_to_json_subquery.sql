SELECT row_to_json(r)::text AS j FROM (SELECT k, n FROM t) r ORDER BY 1;
