-- A field read from a row inside an expression.
SELECT ((array_agg(t ORDER BY id))[1]).n / 2 AS half FROM t;
