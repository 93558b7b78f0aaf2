SELECT id, make_interval(days => n) AS dur FROM t WHERE n IS NOT NULL ORDER BY id;
