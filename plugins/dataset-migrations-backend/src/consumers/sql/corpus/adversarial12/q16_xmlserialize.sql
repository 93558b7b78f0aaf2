SELECT id, xmlserialize(content x AS text) AS doc FROM t ORDER BY id;
