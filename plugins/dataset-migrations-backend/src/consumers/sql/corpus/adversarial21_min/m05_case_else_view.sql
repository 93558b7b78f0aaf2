-- A view's column, read by name.
CREATE TEMP VIEW v AS SELECT id, CASE WHEN label = '' THEN '?' ELSE label END FROM t;
SELECT id, label FROM v ORDER BY id;
