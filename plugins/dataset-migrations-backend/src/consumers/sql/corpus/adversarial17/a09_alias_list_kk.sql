SELECT kk FROM t AS x(id, parent, kk) ORDER BY kk;
