SELECT u.v, count(*) FROM t JOIN u ON u.id = t.id GROUP BY v ORDER BY v;
