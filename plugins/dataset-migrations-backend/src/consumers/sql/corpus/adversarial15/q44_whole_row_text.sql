SELECT t::text AS r FROM t ORDER BY id;
