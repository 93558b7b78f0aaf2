DO $$ BEGIN UPDATE u SET v = v / 3; END $$;
SELECT t.id, t.n, u.v FROM t JOIN u ON u.id = t.id ORDER BY t.id;
