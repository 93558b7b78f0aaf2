UPDATE t SET (ch, d) = (SELECT u.ch, u.d FROM u WHERE u.id = t.id) WHERE id IN (1, 2);
SELECT id, ch || '|' AS c, d FROM t ORDER BY id;
