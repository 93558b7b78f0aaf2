select firstname, surname, joindate
	from members
	where joindate = 
		(select max(joindate) 
			from members);
