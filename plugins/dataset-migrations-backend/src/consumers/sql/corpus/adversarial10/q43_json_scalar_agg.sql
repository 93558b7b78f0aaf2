SELECT k, json_agg(n ORDER BY id) AS ns, jsonb_agg(jsonb_build_object('p', p) ORDER BY id) AS ps,
       JSON_OBJECTAGG(id::text : c) AS cs
FROM t GROUP BY k ORDER BY k;
