CREATE AGGREGATE pg_temp.total(smallint) (sfunc = int2pl, stype = smallint);
SELECT pg_temp.total(s) AS tot FROM t;
