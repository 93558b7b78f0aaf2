-- w is o's alias, read as a whole row.
select t.id, to_jsonb(w) as wj from t join o w on w.id = t.id order by t.id;
