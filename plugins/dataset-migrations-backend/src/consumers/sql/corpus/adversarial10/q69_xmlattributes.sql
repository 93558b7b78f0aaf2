SELECT id, xmlelement(name item, xmlattributes(k, s AS label), n) AS x FROM t ORDER BY id;
