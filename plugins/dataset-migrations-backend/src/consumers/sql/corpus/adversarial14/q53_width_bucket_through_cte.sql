WITH x AS (SELECT id, p, n AS buckets FROM t) SELECT id, width_bucket(p, 0, 12, buckets) AS b FROM x ORDER BY id;
