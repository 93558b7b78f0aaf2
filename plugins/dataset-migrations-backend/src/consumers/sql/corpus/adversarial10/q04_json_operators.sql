SELECT id, j ->> 'a' AS a, j #>> '{b,c}' AS bc, j -> 'b' AS b, jsonb_typeof(j) AS kind
FROM t WHERE j -> 'a' IS NOT NULL ORDER BY id;
