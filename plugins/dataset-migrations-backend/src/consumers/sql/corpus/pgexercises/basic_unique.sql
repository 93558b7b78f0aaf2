select distinct surname 
	from members
order by surname
limit 10;
