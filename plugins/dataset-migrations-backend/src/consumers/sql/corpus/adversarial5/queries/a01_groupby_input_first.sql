-- GROUP BY takes an input column before an output alias of the same name.
select coalesce(k, 0) as k, count(*) as n from t group by k order by k, n;
