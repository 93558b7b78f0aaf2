SELECT id, concat_ws('|', t.*) AS line FROM t ORDER BY id;
