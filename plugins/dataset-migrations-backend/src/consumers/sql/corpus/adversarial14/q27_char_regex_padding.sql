SELECT id, c ~ ' $' AS padded FROM t ORDER BY id;
