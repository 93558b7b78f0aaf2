select id, v from t natural join (select id, v from o) s order by id;
