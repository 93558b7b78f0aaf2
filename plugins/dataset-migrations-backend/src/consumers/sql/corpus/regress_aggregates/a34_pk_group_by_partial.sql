-- No removal can happen if the complete PK is not present in GROUP BY
select a,c from t1 group by a,c,d;
