SELECT id, format('%s', n / 2) AS f FROM t ORDER BY id;
