WITH w AS NOT MATERIALIZED (SELECT id, k FROM t)
SELECT w.k, u.label FROM w JOIN u ON u.id = w.id ORDER BY w.k, u.label;
