select row(t.*)::text as r from t order by 1;
