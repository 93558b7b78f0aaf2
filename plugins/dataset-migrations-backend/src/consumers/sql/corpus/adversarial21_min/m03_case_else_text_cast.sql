-- A cleaning CASE, cast: still named after the ELSE's column.
SELECT id, (CASE WHEN label = '' THEN NULL ELSE label END)::text FROM t ORDER BY id;
