SELECT id, U&"\006B" AS key, U&"\0041mt" AS big FROM t ORDER BY id;
