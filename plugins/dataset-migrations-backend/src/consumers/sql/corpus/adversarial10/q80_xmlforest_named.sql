SELECT id, xmlforest(k AS key, n AS qty) AS x FROM t ORDER BY id;
