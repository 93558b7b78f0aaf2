-- A window's ORDER BY / PARTITION BY read input columns only.
select id as k, row_number() over (partition by k is null order by k nulls first, id) as rn from t order by k;
