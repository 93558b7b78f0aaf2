WITH w AS (SELECT id, nm FROM t) SELECT w.nm, count(*) FROM w GROUP BY w.nm ORDER BY 1;
