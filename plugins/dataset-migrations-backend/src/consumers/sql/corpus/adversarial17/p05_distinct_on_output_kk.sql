SELECT DISTINCT ON (kk) n AS kk, id FROM t ORDER BY kk, id;
