SELECT id, f::numeric AS fn FROM t ORDER BY id;
