CREATE VIEW limit_thousand_v_4 AS SELECT thousand FROM onek WHERE thousand < 995
		ORDER BY thousand FETCH FIRST (5::bigint) ROWS WITH TIES;
select * from limit_thousand_v_4;
