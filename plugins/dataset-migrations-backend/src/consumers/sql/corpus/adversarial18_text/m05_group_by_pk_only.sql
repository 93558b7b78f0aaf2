SELECT t.k, t.ch FROM t GROUP BY t.k;
