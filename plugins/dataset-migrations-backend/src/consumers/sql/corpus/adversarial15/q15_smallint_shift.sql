SELECT id, m << 14 AS shifted, m # 1 AS flipped FROM t ORDER BY id;
