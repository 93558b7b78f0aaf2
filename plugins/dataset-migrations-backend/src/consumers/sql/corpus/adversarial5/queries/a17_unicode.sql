select ÉTAT, "État" as e2, id from t order by id;
