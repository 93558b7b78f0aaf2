SELECT id, m(t) << 14 AS shifted FROM t ORDER BY id;
