with kk as (select 1 as n)
select t.id, k, kk.n from t, kk order by t.id;
