SELECT query_to_xml('SELECT k FROM t ORDER BY id', false, false, '')::text AS x;
