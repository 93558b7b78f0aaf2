WITH src AS (SELECT id, k FROM t)
UPDATE u SET x = src.k FROM src WHERE src.id = u.id;
SELECT id, x FROM u ORDER BY id;
