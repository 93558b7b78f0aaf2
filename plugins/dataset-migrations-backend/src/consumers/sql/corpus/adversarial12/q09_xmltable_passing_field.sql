SELECT t.id, xt.v FROM t, XMLTABLE('/r/v' PASSING t.x COLUMNS v text PATH '.') AS xt ORDER BY 1, 2;
