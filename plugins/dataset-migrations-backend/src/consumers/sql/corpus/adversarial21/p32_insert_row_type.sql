CREATE TEMP TABLE c (r t);
INSERT INTO c SELECT x FROM t x;
SELECT (r).id, (r).n / 2 AS half FROM c ORDER BY 1;
