SELECT id, first_value(n) OVER (PARTITION BY k ORDER BY id) / 2 AS f FROM t ORDER BY id;
