SELECT id, s || '-' || c AS sc FROM t ORDER BY id;
