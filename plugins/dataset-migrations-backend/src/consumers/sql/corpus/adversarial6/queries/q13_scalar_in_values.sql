SELECT label, v / 2 AS half
FROM (VALUES ('max', (SELECT max(qty) FROM orders)), ('min', (SELECT min(qty) FROM orders))) AS s(label, v)
ORDER BY label;
