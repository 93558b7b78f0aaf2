SELECT t.id, x.tag FROM t CROSS JOIN LATERAL unnest(t.tags) AS x(tag) ORDER BY 1, 2;
