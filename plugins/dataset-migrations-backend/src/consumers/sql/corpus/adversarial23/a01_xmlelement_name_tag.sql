SELECT id, xmlelement(NAME n, n)::text AS x FROM t ORDER BY id;
