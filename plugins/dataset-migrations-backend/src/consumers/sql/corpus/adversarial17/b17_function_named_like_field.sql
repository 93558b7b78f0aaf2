SELECT id, upper(s) AS s, lower(s) AS label FROM t ORDER BY label, id;
