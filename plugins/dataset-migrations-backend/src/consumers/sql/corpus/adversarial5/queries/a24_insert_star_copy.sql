create temp table t_copy as select * from t limit 0;
insert into t_copy select * from t;
select * from t_copy order by id;
