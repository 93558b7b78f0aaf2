SELECT t.id, xt.k, t.k AS tk FROM t, XMLTABLE('/r' PASSING t.x COLUMNS k int PATH '@k') AS xt ORDER BY t.id;
