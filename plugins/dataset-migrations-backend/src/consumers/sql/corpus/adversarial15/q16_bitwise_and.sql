SELECT id, n & 1 AS odd, n | 8 AS ored FROM t ORDER BY id;
