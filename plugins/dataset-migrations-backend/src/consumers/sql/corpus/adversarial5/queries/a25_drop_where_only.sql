select id from t where k > 5 order by id;
