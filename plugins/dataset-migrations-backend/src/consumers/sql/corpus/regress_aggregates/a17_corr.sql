SELECT corr(b, a) FROM aggtest;
