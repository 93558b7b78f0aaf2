SELECT sum(r) AS s, avg(r) AS a, count(DISTINCT r) AS d, string_agg(r::text, ',' ORDER BY r) AS l FROM t;
