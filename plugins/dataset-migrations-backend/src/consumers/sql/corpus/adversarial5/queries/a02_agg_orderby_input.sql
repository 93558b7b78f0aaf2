-- ORDER BY inside an aggregate reads input columns only.
select s as k, string_agg(id::text, ',' order by k nulls first, id) as ids from t group by s order by k;
