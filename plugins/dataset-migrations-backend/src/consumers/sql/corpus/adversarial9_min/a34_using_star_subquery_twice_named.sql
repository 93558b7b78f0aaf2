SELECT * FROM (SELECT id, label AS s FROM u) q JOIN t USING (id) ORDER BY id;
