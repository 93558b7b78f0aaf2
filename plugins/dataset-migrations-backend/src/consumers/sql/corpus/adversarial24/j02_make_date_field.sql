SELECT id, make_date(2026, 1, n) AS day FROM t WHERE n IS NOT NULL ORDER BY id;
