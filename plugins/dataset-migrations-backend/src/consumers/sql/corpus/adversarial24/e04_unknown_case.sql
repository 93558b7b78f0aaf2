SELECT id, CASE WHEN n >= '7' THEN 'big' ELSE 'small' END AS size FROM t ORDER BY id;
