SELECT x.label, u.label AS ul FROM t AS x(id, parent, label) JOIN u ON u.id = x.id ORDER BY x.id;
