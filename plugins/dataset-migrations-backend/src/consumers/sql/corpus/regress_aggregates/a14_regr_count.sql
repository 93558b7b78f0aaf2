-- SQL2003 binary aggregates
SELECT regr_count(b, a) FROM aggtest;
