select ten, count(*), sum(four) from onek
group by ten order by ten;
