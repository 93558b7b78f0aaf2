select name, case when class=1 then 'high'
		when class=2 then 'average'
		else 'low'
		end revenue
	from (
		select facs.name as name, ntile(3) over (order by sum(case
				when memid = 0 then slots * facs.guestcost
				else slots * membercost
			end) desc) as class
		from bookings bks
		inner join facilities facs
			on bks.facid = facs.facid
		group by facs.name
	) as subq
order by class, name;
