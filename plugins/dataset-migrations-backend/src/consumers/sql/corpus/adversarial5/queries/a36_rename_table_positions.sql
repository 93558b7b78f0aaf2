update t set s = upper(t.s) from o where o.id = t.id;
delete from t using o where o.id = t.id and o.v = 'q';
select t.id, t.s from only t order by t.id for update of t;
