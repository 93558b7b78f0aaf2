select distinct recs.firstname as firstname, recs.surname as surname
	from 
		members mems
		inner join members recs
			on recs.memid = mems.recommendedby
order by surname, firstname;
