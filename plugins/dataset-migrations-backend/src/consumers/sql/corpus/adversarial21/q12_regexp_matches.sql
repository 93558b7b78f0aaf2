SELECT id, regexp_matches FROM t, regexp_matches(t.name, '[a-z]', 'g') ORDER BY 1, 2;
