-- Near misses: the whole row's values, and a subquery's row (a record).
SELECT t AS whole, row_to_json(t)::text AS j, pg_typeof(q)::text AS sub FROM t, (SELECT 1 AS one) q;
