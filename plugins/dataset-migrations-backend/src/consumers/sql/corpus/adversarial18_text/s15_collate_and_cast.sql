SELECT id, ch COLLATE "C" AS a, ch::text AS b, vc::char(3) AS c, d::timestamp AS e, CAST(ch AS varchar) AS f FROM t ORDER BY id;
