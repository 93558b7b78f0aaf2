SELECT id FROM t WHERE JSON_EXISTS('[10, 20, 30]'::jsonb, '$[$i]' PASSING k / 10 AS i) ORDER BY id;
