CREATE TEMP VIEW v AS SELECT * FROM t;
CREATE TEMP TABLE z AS SELECT t.* FROM t;
SELECT v.id, v.ch || '|' AS a, z.d + 1 AS b, to_json(z.ts) AS c FROM v JOIN z USING (id) ORDER BY v.id;
