select count(*) over(), firstname, surname
	from members
order by joindate
