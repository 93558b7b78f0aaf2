SELECT id, qty || ' units' AS txt, format('%s x %s', qty, amount) AS f, (qty / 2)::text AS half FROM orders ORDER BY id;
