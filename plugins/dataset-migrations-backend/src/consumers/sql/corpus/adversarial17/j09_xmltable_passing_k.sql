SELECT t.id, xt.v FROM t, XMLTABLE('/r' PASSING xmlelement(name r, k) COLUMNS v int PATH '.') AS xt ORDER BY t.id;
