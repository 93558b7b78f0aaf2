-- Non-primary-key columns can be removed from GROUP BY
select * from t1 group by a,b,c,d;
