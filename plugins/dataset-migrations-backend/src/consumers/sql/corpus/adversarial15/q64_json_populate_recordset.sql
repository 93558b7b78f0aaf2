SELECT x.* FROM json_populate_recordset(null::u, (SELECT json_agg(t) FROM t)) AS x ORDER BY 1;
