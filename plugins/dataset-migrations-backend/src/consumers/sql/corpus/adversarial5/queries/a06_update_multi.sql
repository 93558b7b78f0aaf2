update t set (k, s) = (k + 1, s || '!') where id < 3;
update t set (s, k) = (select o.v, o.k from o where o.id = t.id) where id = 3;
select id, k, s from t order by id;
