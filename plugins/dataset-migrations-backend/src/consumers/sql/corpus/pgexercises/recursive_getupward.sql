with recursive recommenders(recommender) as (
	select recommendedby from members where memid = 27
	union all
	select mems.recommendedby
		from recommenders recs
		inner join members mems
			on mems.memid = recs.recommender
)
select recs.recommender, mems.firstname, mems.surname
	from recommenders recs
	inner join members mems
		on recs.recommender = mems.memid
order by memid desc
