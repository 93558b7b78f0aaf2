DECLARE c CURSOR FOR SELECT t.id, u.label FROM t JOIN u ON u.kk = t.k ORDER BY t.id;
FETCH ALL FROM c;
