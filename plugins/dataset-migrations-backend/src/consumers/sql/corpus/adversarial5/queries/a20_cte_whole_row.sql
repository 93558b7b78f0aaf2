with w as (select id, v from o)
select t.id, to_jsonb(w) as wj from t join w on w.id = t.id order by t.id;
