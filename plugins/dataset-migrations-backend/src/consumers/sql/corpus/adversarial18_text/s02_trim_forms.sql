SELECT id, trim(BOTH 'a' FROM ch) AS a, trim(LEADING FROM vc) AS b, ltrim(ch, 'a') AS c, ch IS NORMALIZED AS e, normalize(vc, NFD) AS f FROM t ORDER BY id;
