SELECT xmlagg(xmlelement(name item, k, '-', c) ORDER BY id) AS items FROM t;
