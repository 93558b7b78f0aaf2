SELECT id, 'n=' || n AS label FROM t ORDER BY id;
