select "t".id, k from "t" where "t".k > 0 order by 1;
