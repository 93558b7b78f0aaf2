select * from y;
