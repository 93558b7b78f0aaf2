select firstname, surname,
	((sum(bks.slots)+10)/20)*10 as hours,
	rank() over (order by ((sum(bks.slots)+10)/20)*10 desc) as rank

	from bookings bks
	inner join members mems
		on bks.memid = mems.memid
	group by mems.memid, mems.firstname, mems.surname
order by rank, surname, firstname;
