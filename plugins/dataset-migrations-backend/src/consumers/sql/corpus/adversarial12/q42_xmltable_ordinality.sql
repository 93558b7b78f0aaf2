SELECT t.id, xt.i, xt.v FROM t, XMLTABLE('/r/v' PASSING x COLUMNS i FOR ORDINALITY, v text PATH '.') AS xt ORDER BY 1, 2;
