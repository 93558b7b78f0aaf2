SELECT id, m FROM t, ROWS FROM (generate_series(1, 2), jsonb_to_record('{"m": 4}') AS (m int)) AS r ORDER BY 1, 2;
