select starttime, starttime + slots*(interval '30 minutes') endtime
	from bookings
	order by endtime desc, starttime desc
	limit 10
