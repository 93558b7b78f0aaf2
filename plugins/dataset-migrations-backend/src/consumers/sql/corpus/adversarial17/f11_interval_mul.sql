SELECT id, n * interval '1 hour' AS span, interval '1 day' * n AS span2 FROM t ORDER BY id;
