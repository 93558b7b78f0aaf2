select name, month, 
	round((100*slots)/
		cast(
			25*(cast((month + interval '1 month') as date)
			- cast (month as date)) as numeric),1) as utilisation
	from  (
		select facs.name as name, date_trunc('month', starttime) as month, sum(slots) as slots
			from bookings bks
			inner join facilities facs
				on bks.facid = facs.facid
			group by facs.facid, facs.name, month
	) as inn
order by name, month
