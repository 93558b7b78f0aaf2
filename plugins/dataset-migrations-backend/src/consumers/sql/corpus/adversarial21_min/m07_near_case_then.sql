-- Near miss: a column in THEN only, the output is named "case".
SELECT id, CASE WHEN n > 4 THEN n ELSE 0 END FROM t ORDER BY id;
