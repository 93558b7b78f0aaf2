select * from x;
