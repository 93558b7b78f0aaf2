select bks.starttime 
	from 
		bookings bks
		inner join members mems
			on mems.memid = bks.memid
	where 
		mems.firstname='David' 
		and mems.surname='Farrell';
