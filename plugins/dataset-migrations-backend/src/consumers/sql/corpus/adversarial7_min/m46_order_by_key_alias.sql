SELECT n AS "Key", id FROM t ORDER BY k, id;
