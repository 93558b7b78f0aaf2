WITH x AS (SELECT id, CASE WHEN status = 'paid' THEN amount ELSE 0 END AS paid FROM orders)
SELECT sum(paid) / 4 AS q FROM x;
