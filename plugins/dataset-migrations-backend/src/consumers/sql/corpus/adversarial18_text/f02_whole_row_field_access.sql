SELECT (t).ch || '|' AS a, ch(t) AS b, (t.*).d AS c FROM t WHERE id = 1;
