-- hashint2() takes smallint alone: no hashint2(integer).
SELECT id, hashint2(s) AS h FROM t ORDER BY id;
