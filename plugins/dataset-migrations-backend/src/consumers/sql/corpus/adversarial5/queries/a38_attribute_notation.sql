select id, k(t) as kv from t order by id;
