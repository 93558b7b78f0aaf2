select distinct mems.firstname || ' ' || mems.surname as member, facs.name as facility
	from 
		members mems
		inner join bookings bks
			on mems.memid = bks.memid
		inner join facilities facs
			on bks.facid = facs.facid
	where
		facs.name in ('Tennis Court 2','Tennis Court 1')
order by member, facility
