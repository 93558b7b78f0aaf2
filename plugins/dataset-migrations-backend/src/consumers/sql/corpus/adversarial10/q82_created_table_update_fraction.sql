CREATE TEMP TABLE snap AS SELECT id, n, k FROM t;
UPDATE snap SET n = k * 0.25;
SELECT id, n FROM snap ORDER BY id;
