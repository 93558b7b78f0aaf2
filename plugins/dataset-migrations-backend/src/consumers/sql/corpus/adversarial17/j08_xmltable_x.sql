SELECT t.id, x FROM t, XMLTABLE('/r/v' PASSING xmlparse(document '<r><v>1</v></r>') COLUMNS x int PATH '.') AS xt WHERE t.id < 3 ORDER BY t.id;
