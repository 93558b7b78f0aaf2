SELECT j.k FROM (t JOIN u ON u.id = t.id) AS j;
