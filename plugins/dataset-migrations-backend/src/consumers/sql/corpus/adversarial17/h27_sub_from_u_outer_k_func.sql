SELECT id, (SELECT string_agg(label, ',' ORDER BY label) FROM u WHERE u.id <= k / 10) AS labels FROM t ORDER BY id;
