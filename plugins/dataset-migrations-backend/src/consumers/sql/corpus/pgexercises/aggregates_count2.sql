select count(*) from facilities where guestcost >= 10;
