select surname 
	from members
union
select name
	from facilities;
