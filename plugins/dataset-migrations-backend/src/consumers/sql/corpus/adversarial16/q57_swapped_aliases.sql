SELECT t.x, u.k FROM u AS t, t AS u WHERE t.id = u.id ORDER BY t.x;
