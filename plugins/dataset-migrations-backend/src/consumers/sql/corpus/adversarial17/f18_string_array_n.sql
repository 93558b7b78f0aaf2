SELECT id, (string_to_array('a b c d e f g h i', ' '))[n] AS w FROM t ORDER BY id;
