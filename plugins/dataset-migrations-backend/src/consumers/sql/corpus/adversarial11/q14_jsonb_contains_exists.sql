SELECT id FROM t WHERE j @> '{"a": 1}' OR j -> 'b' IS NOT NULL ORDER BY id;
