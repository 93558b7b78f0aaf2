SELECT upper(name) AS name FROM t ORDER BY name;
