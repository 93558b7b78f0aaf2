SELECT id, v || '.' AS vv, length(v) AS lv, pg_typeof(v)::text AS ty FROM t ORDER BY id;
