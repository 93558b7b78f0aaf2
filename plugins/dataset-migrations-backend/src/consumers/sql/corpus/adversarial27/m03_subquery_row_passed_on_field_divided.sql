SELECT (x).id, (x).qty / 2 AS half FROM (SELECT s AS x FROM (SELECT id, qty FROM items) s) y ORDER BY 1;
