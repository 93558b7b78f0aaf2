SELECT id, (SELECT string_agg(x::text, ',') FROM generate_series(1, n, s) x) AS steps FROM t WHERE n IS NOT NULL ORDER BY id;
