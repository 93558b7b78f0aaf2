-- Ensure we order by four.  This suits the most aggregate functions.
select sum(two order by two),max(four order by four), min(four order by four)
from tenk1;
