select * from people;
