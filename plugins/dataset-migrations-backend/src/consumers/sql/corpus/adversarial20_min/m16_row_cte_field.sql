WITH c AS (SELECT id, t AS r FROM t)
SELECT id, (c.r).n / 2 AS half FROM c;
