select facs.name, sum(slots * case
			when memid = 0 then facs.guestcost
			else facs.membercost
		end) as revenue
	from bookings bks
	inner join facilities facs
		on bks.facid = facs.facid
	group by facs.name
order by revenue;
