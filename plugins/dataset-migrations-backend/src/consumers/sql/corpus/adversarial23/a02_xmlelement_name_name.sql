SELECT id, xmlelement(NAME item, xmlattributes(n AS n, name), name)::text AS x FROM t ORDER BY id;
