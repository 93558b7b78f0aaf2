select count(distinct memid) from bookings
