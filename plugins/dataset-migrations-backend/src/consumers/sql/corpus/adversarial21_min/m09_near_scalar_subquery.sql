-- Near miss: a scalar subquery is named after its select list (n), which the
-- rewrite keeps with an alias inside; ORDER BY n is that output.
SELECT id, (SELECT n) FROM t ORDER BY n, id;
