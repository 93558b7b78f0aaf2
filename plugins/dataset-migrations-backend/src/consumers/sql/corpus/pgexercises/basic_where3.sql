select *
	from facilities 
	where 
		name like '%Tennis%'; 
