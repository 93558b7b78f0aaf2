SELECT id, to_jsonb(orders) AS j, length(orders) AS len, count(orders) OVER () AS n FROM orders ORDER BY id;
