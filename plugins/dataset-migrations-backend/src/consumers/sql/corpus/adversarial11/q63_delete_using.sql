DELETE FROM t USING u WHERE u.kk = t.k;
SELECT count(*) FROM t;
