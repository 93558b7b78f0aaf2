SELECT t.id, x.kk FROM t, jsonb_to_record(CASE WHEN jsonb_typeof(t.j) = 'object' THEN t.j END) AS x(kk integer, a integer)
WHERE x.a IS NOT NULL ORDER BY t.id;
