SELECT t . k, t.  n FROM t ORDER BY t . id;
