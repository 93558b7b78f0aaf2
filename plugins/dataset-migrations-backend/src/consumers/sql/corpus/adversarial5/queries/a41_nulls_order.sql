select id, k from t order by k nulls first, id;
