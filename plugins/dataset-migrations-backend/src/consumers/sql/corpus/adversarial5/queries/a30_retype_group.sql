select d::text as d, j::text as j, count(*) as n from t group by d, j order by d, j;
