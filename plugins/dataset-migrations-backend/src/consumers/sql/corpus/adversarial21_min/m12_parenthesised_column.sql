-- Over-caution: a column in parentheses is named after it as a bare one is;
-- its alias goes after the parentheses, not inside them.
SELECT id, (n), ((t.label)) FROM t ORDER BY n, id;
