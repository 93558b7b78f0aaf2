select thousand, hundred from tenk1
where (998, 5000) < (thousand, hundred)
order by thousand, hundred;
