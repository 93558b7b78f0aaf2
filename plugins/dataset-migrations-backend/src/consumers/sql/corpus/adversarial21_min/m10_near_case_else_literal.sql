-- Near miss: an ELSE that is no column leaves the name "case".
SELECT id, CASE WHEN n > 4 THEN n ELSE -1 END, n FROM t ORDER BY id;
