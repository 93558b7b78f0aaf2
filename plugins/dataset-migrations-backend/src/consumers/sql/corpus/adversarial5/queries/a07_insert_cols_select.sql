insert into t (id, k, s) select id + 10, k, v from o;
select id, k, s from t order by id;
