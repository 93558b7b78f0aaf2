SELECT * FROM (VALUES (1, 'a'), ((SELECT max(n) FROM t), 'b')) v(num, tag) ORDER BY num;
