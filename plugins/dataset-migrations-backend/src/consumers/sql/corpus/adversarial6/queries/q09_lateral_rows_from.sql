SELECT o.id, x.lo, x.hi / 2 AS half_hi
FROM orders o, ROWS FROM (least(o.qty, 5), greatest(o.qty, 5)) AS x(lo, hi)
ORDER BY o.id;
