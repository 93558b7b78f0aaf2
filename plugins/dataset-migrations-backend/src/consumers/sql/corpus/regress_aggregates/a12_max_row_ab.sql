-- verify correct results for min(record) and max(record) aggregates
SELECT max(row(a,b)) FROM aggtest;
