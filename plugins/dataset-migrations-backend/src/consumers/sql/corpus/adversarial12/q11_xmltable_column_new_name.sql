SELECT t.id, k, kk FROM t, XMLTABLE('/r' PASSING t.x COLUMNS kk int PATH '@k') AS xt ORDER BY t.id;
