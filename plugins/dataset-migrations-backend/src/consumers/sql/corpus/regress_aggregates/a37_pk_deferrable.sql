-- Cannot optimize when PK is deferrable
select * from t3 group by a,b,c;
