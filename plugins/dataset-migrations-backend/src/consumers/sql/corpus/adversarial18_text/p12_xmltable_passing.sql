SELECT t.id, x.v FROM t, XMLTABLE('/r' PASSING XMLELEMENT(name r, t.ch) COLUMNS v text PATH '.') x WHERE t.id < 3 ORDER BY 1;
