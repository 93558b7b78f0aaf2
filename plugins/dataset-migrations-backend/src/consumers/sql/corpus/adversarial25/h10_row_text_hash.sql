SELECT id, md5(t::text) AS h, length(t::text) AS l FROM t ORDER BY id;
