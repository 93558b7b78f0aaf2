select * from facilities where membercost > 0;
