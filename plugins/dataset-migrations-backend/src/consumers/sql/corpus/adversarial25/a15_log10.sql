SELECT id, log(abs(n) + 1) AS l, log10(abs(n) + 1) AS l10 FROM t ORDER BY id;
