SELECT id, get_bit('\xff00'::bytea, n) AS b FROM t ORDER BY id;
