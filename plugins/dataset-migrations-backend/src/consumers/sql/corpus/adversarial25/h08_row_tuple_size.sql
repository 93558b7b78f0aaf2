SELECT id, pg_column_size(ROW(t.*)) AS sz FROM t ORDER BY id;
