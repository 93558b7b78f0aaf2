SELECT query_to_xml('SELECT * FROM t WHERE id = 1', true, false, '')::text AS x;
