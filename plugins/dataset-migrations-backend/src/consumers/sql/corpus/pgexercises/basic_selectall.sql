select * from facilities;
