SELECT id, |/ abs(n) AS r, ||/ n AS c FROM t ORDER BY id;
