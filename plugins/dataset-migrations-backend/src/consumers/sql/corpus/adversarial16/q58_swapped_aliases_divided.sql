SELECT u.n / 2 AS h, t.label FROM u AS t, t AS u WHERE t.id = u.id ORDER BY t.label;
