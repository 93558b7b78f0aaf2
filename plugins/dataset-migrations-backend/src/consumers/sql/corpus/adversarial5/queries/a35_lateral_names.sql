select t.id, x.kk from t, lateral (select k * 2 as kk) x order by 1;
