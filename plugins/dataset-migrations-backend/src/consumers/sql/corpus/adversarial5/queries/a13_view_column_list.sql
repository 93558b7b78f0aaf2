create temp view v5 (a, b) as select id, k from t;
select a, b from v5 order by a;
