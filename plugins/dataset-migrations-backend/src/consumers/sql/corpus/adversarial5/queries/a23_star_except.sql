create temp table tt as select * from t where id < 3;
select * from t except select * from tt order by 1;
