SELECT id, sum(n) OVER () / count(*) OVER () AS mean FROM t ORDER BY id;
