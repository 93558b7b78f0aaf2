select id, t.k, v from t join o using (id) order by id;
