SELECT k.k, k.n, n.s FROM t AS k JOIN t AS n ON n.id = k.id WHERE k.k > 10 ORDER BY k.id;
