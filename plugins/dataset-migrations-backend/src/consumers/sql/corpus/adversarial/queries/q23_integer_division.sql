SELECT id, amount / qty AS unit, amount % 3 AS m, sum(qty) OVER () / 7 AS avg_q
FROM orders
WHERE qty > 0
ORDER BY id;
