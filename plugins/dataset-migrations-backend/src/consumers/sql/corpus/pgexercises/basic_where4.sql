select *
	from facilities 
	where 
		facid in (1,5);
