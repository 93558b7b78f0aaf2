select K, "K", "k" as k2 from t order by id;
