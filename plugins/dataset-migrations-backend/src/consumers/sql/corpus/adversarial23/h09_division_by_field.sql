SELECT id, 100 / n AS per, count(*) OVER () / n AS share FROM t WHERE n > 0 ORDER BY id;
