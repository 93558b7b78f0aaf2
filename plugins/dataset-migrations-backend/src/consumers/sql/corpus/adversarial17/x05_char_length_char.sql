SELECT id, char_length(c) AS len FROM t WHERE c IS NOT NULL ORDER BY id;
