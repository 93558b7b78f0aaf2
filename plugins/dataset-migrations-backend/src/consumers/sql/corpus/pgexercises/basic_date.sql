select memid, surname, firstname, joindate 
	from members
	where joindate >= '2012-09-01';
