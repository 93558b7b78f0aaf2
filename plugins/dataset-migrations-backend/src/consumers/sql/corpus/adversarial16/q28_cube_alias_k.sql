SELECT k AS kk, count(*) FROM t GROUP BY CUBE (kk);
