SELECT regr_avgx(b, a), regr_avgy(b, a) FROM aggtest;
