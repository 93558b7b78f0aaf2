SELECT stddev_pop(b) FROM aggtest;
