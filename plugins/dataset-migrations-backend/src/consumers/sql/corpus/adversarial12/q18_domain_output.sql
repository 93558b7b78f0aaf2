SELECT id, nm, length(nm) AS len FROM t ORDER BY id;
