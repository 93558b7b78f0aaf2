SELECT max(aggtest.b) AS max_324_78 FROM aggtest;
