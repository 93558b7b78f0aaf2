WITH x AS (SELECT * FROM t) SELECT to_jsonb(x)::text AS j FROM x WHERE id = 3;
