-- The whole row passed on as r, a field read from it there.
SELECT (r).n / 2 AS half FROM (SELECT t AS r FROM t) s;
