SELECT id, (t.*) IS NULL AS allnull, ROW(t.*) IS NOT NULL AS full_row FROM t ORDER BY id;
