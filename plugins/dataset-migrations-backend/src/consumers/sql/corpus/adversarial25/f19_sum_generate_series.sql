SELECT count(*) AS c FROM generate_series(1, (SELECT sum(abs(n)) FROM t));
