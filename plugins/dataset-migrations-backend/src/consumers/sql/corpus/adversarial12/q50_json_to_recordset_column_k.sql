SELECT r.k, t.n FROM t, json_to_recordset('[{"k": 1}, {"k": 2}]') AS r(k int) WHERE r.k = t.id ORDER BY 1, 2;
