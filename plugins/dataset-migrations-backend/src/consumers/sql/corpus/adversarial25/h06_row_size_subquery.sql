SELECT id, pg_column_size(r) AS sz FROM (SELECT t AS r, id FROM t) z ORDER BY id;
