SELECT sum(a) AS sum_198 FROM aggtest;
