SELECT to_jsonb(x) AS o FROM (SELECT * FROM t) x ORDER BY x.id;
