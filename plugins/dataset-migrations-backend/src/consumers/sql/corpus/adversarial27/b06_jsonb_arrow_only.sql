-- No subscript: operators only (a near miss of b01).
SELECT id, attrs ->> 'color' AS color, attrs #>> '{dims,w}' AS w, (attrs -> 'dims') IS NOT NULL AS has_dims
FROM items
WHERE attrs @> '{"color": "red"}' OR attrs IS NULL
ORDER BY id;
