SELECT id, format('%s', n / 2) AS f, format('%s', m / 2) AS g FROM t ORDER BY id;
