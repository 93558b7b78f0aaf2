SELECT id, greatest(c, s) AS g FROM t WHERE c IS NOT NULL ORDER BY id;
