select max(joindate) as latest
	from members;
