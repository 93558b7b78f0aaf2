SELECT avg(a) AS avg_32 FROM aggtest WHERE a < 100;
