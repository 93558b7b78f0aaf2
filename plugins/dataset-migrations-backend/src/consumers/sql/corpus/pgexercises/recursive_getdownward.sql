with recursive recommendeds(memid) as (
	select memid from members where recommendedby = 1
	union all
	select mems.memid
		from recommendeds recs
		inner join members mems
			on mems.recommendedby = recs.memid
)
select recs.memid, mems.firstname, mems.surname
	from recommendeds recs
	inner join members mems
		on recs.memid = mems.memid
order by memid
