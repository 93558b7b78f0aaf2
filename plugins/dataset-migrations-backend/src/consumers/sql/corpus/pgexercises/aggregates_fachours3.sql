select facs.facid, facs.name,
	trim(to_char(sum(bks.slots)/2.0, '9999999999999999D99')) as "Total Hours"

	from bookings bks
	inner join facilities facs
		on facs.facid = bks.facid
	group by facs.facid, facs.name
order by facs.facid;
