-- A near miss: the CTE's row read where it is (flagged under numeric).
WITH c AS (SELECT id, qty FROM items)
SELECT id, (c).qty / 2 AS half FROM c ORDER BY id;
