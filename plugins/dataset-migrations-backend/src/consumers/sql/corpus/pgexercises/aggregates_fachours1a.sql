select facid, sum(slots) as "Total Slots"
        from bookings
        group by facid
        having sum(slots) > 1000
        order by facid
