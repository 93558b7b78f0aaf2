SELECT id, -n AS kk FROM t ORDER BY kk, id;
