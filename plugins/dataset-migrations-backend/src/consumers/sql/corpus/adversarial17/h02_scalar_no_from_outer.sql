SELECT id, (SELECT k * 2) AS k2, (SELECT n / 2) AS h FROM t ORDER BY id;
