SELECT id, set_bit('\x00'::bytea, s, 1) AS b FROM t WHERE s IS NOT NULL AND s < 8 ORDER BY id;
