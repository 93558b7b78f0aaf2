SELECT id, ch LIKE 'ab %' AS a, ch SIMILAR TO 'ab%' AS b, ch ~ ' $' AS c, vc ILIKE 'AB %' AS e, vc ~ ' $' AS f FROM t ORDER BY id;
