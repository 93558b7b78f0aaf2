SELECT t.t, t.k FROM u AS t ORDER BY 1;
