SELECT c, count(*) AS cnt FROM t GROUP BY c HAVING count(*) > 0 ORDER BY max(n), c;
