SELECT t.id, label FROM t JOIN u label ON label.id = t.id ORDER BY t.id;
