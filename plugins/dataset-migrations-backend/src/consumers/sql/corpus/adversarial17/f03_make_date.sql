SELECT id, make_date(2024, 1, n) AS day FROM t ORDER BY id;
