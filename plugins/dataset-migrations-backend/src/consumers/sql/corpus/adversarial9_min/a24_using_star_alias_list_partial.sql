SELECT * FROM (SELECT id, label, x FROM u) s(id, kk) NATURAL JOIN t ORDER BY id;
