select k, t.id, o.id as oid from t join o using (k) order by t.id;
