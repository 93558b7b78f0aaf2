select row_number() over(order by joindate), firstname, surname
	from members
order by joindate
