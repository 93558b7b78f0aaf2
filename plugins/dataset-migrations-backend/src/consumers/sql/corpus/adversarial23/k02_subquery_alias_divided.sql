SELECT id, q / 4 AS quarter FROM (SELECT id, n AS q FROM t) s ORDER BY id;
