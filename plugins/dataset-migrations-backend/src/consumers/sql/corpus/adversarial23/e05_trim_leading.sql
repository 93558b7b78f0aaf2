SELECT id, trim(LEADING '0' FROM lpad(n::text, 4, '0')) AS x FROM t ORDER BY id;
