select * from t union all select * from t where id = 1 order by id;
