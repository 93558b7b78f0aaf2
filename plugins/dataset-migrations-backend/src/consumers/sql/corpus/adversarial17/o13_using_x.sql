SELECT w.id, label FROM (SELECT id, k AS x FROM t) w JOIN u USING (id) ORDER BY w.id;
