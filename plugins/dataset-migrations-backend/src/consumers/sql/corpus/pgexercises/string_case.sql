select * from facilities where upper(name) like 'TENNIS%';
