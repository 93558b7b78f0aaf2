SELECT t.id, u.label, t.k FROM t NATURAL JOIN u ORDER BY t.id;
