WITH c AS (SELECT id, qty FROM items)
SELECT (x).id, to_hex(-(x).qty) AS h FROM (SELECT c AS x FROM c) y ORDER BY 1;
