declare c1 cursor for select * from int8_tbl limit 10;
fetch all in c1;
