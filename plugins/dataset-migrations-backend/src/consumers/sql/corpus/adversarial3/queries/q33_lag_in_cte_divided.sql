WITH x AS (SELECT id, lag(amount) OVER (ORDER BY id) AS prev FROM orders)
SELECT id, prev / 2 AS half_prev FROM x ORDER BY id;
