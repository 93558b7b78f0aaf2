select count(*) from facilities;
