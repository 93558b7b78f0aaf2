SELECT lower(note) AS name, count(*) AS n
FROM orders
GROUP BY name
ORDER BY name NULLS FIRST;
