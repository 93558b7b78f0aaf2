SELECT md5(t::text) FROM t;
