select facid, total from (
	select facid, sum(slots) total, rank() over (order by sum(slots) desc) rank
        	from bookings
		group by facid
	) as ranked
	where rank = 1
