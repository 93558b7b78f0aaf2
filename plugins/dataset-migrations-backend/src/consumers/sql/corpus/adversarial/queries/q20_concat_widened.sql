SELECT id,
       'Order ' || id || ': ' || amount || ' EUR' AS line,
       concat(qty, 'x') AS q
FROM orders
WHERE amount IS NOT NULL
ORDER BY id;
