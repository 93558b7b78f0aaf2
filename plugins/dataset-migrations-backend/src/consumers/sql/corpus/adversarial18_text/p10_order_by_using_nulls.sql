SELECT id, format('%s|', ch) AS c FROM t ORDER BY ch USING > NULLS LAST, id;
