SELECT id, CASE WHEN n / 5 >= 1 THEN 'big' ELSE 'small' END AS size FROM t ORDER BY id;
