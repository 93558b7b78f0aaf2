SELECT stddev_samp(b::numeric) FROM aggtest;
