select date_trunc('month', starttime) as month, count(*)
	from bookings
	group by month
	order by month
