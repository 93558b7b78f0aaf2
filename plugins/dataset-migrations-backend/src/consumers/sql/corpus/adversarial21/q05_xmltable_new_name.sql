SELECT id, m FROM t, XMLTABLE('/r' PASSING xmlparse(document '<r><m>4</m></r>') COLUMNS m int PATH 'm') AS x ORDER BY 1;
