select mems.surname, mems.firstname, mems.memid, min(bks.starttime) as starttime
	from bookings bks
	inner join members mems on
		mems.memid = bks.memid
	where starttime >= '2012-09-01'
	group by mems.surname, mems.firstname, mems.memid
order by mems.memid;
