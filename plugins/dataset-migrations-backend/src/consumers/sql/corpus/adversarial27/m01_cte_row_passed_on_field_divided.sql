-- A CTE's whole row passed on as x, its field read there (the dataset's own
-- whole row passed on is followed: adversarial20_min m15).
WITH c AS (SELECT id, qty FROM items)
SELECT (x).id, (x).qty / 2 AS half FROM (SELECT c AS x FROM c) y ORDER BY 1;
