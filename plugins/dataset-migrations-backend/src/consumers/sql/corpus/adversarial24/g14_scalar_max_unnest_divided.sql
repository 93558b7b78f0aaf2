SELECT id, (SELECT max(x) FROM unnest(ARRAY[t.n, 5]) x) / 2 AS half FROM t ORDER BY id;
