select id, k, t.k as tk, k + 1 as k1 from t where k > 0 order by k, id;
