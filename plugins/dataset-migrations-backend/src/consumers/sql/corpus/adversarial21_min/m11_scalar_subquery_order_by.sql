-- A scalar subquery is named after its select list's column (n): ORDER BY n
-- is that output, the next row's n, not this row's column.
SELECT id, (SELECT x.n FROM t x WHERE x.id = t.id + 1) FROM t ORDER BY n, id;
