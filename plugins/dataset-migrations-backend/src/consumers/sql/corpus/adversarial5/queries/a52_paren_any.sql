select id from t where (k) = any('{10,20}') and (t.k) is not null order by id;
