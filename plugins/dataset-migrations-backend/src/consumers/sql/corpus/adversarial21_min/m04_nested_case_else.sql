-- A CASE in a CASE's ELSE takes its ELSE's name in turn.
SELECT id, CASE id WHEN 1 THEN 0 ELSE CASE WHEN n > 4 THEN 1 ELSE t.n END END FROM t ORDER BY id;
