SELECT x.id, u.label FROM t AS x(id, up) JOIN u ON u.id = x.up ORDER BY x.id;
