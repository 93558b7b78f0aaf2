CREATE VIEW limit_thousand_v_5 AS SELECT thousand FROM onek WHERE thousand < 995
		ORDER BY thousand FETCH FIRST NULL ROWS ONLY;
select * from limit_thousand_v_5;
