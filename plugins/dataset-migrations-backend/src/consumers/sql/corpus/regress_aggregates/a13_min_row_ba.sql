SELECT min(row(b,a)) FROM aggtest;
