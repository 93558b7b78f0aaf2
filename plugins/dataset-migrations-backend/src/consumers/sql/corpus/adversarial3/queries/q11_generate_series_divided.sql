-- A set-returning function in FROM fed by the field; its output divided.
SELECT o.id, g, g / 2 AS half
FROM orders o, generate_series(1, o.amount) AS g
WHERE o.id IN (1, 4)
ORDER BY o.id, g;
