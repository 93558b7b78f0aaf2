SELECT sum(b) AS avg_431_773 FROM aggtest;
