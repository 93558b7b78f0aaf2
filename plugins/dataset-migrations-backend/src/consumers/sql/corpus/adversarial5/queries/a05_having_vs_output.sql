select s, count(*) as k from t group by s having max(k) > 5 order by k, s;
