select (x).k, (x).id from (select t as x from t) s order by 2;
