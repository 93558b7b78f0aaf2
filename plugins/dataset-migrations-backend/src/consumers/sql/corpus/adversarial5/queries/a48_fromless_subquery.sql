select id, (select k) as k2, exists (select k where k > 5) as big from t order by id;
