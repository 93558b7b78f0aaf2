SELECT id, (n % 2)::boolean AS odd FROM t ORDER BY id;
