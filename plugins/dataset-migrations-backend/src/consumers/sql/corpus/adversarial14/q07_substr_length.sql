SELECT id, substr(s, 1, n) AS head, substring(s from 2 for n) AS mid FROM t ORDER BY id;
