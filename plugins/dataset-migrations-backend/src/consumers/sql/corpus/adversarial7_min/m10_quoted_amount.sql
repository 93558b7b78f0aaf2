SELECT id, "Amount", t."Amount" / 7 AS a FROM t ORDER BY id;
