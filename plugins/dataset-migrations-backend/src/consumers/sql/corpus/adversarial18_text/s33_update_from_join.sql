UPDATE t SET vc = u.vc, ch = u.ch FROM u WHERE u.id = t.id;
SELECT id, vc || '|' AS a, ch || '|' AS b, length(vc) AS c FROM t ORDER BY id;
