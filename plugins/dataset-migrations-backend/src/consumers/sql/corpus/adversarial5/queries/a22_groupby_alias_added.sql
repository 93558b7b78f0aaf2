select id % 2 as grp, count(*) as n from t group by grp order by grp;
