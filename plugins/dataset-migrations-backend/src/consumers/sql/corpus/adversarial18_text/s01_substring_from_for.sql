SELECT id, substring(ch FROM 2 FOR 4) AS a, overlay(ch PLACING '-' FROM 3 FOR 1) AS b, position(' ' IN ch) AS c FROM t ORDER BY id;
