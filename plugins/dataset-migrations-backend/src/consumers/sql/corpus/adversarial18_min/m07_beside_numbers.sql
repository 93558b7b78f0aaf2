-- Beside numbers, text and intervals a widened integer reads the same: as it is.
SELECT id, n + 1 AS a, n * interval '1 day' AS b, n::text || '!' AS c, jsonb_array_length('[1, 2]'::jsonb) - n AS d
FROM t WHERE n = 3 OR s::text = '5' ORDER BY id;
