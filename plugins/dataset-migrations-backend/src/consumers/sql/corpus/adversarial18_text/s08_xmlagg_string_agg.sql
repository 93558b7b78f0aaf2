SELECT XMLAGG(XMLELEMENT(name c, ch) ORDER BY id)::text AS x, string_agg(ch, '|' ORDER BY id) AS s, string_agg(d::text, ',' ORDER BY d) AS ds FROM t;
