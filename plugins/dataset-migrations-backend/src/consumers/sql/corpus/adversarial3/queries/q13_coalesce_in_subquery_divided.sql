SELECT id, a / 3 AS third
FROM (SELECT id, coalesce(amount, 0) AS a FROM orders) s
ORDER BY id;
