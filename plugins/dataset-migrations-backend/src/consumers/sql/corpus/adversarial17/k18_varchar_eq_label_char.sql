SELECT t.id FROM t, u WHERE t.s = rpad(u.label, 3)::char(3) OR t.s = 'ab'::char(2) ORDER BY 1;
