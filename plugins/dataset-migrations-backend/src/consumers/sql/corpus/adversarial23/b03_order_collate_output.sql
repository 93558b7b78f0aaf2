SELECT upper(name) AS name, id FROM t ORDER BY name COLLATE "C", id;
