SELECT n FROM (t JOIN u ON u.id = t.id) AS j;
