select id as kk, k from t order by kk;
