SELECT id, pg_column_size(t) AS sz FROM t ORDER BY id;
