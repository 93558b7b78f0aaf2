select id, k, k from t order by 2 nulls first, 1;
