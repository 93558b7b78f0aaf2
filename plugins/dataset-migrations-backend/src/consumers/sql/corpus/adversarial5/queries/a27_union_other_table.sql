select id, k from t union select id, k from o order by 1, 2;
