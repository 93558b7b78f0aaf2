SELECT id, U&"\006B" AS key FROM t ORDER BY id;
