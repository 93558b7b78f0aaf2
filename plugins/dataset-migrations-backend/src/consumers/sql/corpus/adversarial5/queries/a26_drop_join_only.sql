select t.id, o.v from t join o on o.k = t.k order by 1;
