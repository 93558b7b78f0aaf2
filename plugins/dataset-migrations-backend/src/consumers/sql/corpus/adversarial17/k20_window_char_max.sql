SELECT id FROM (SELECT id, s, min(c) OVER () AS mc FROM t) z WHERE s <= mc ORDER BY id;
