create temp table keep as select count(*) as n from t;
truncate t;
select n, (select count(*) from t) as after from keep;
