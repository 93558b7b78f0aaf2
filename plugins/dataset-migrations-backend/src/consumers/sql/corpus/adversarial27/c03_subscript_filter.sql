SELECT count(*) FILTER (WHERE scores[1] > 4) AS high,
       count(*) FILTER (WHERE attrs['n'] IS NOT NULL) AS with_n,
       count(*) FILTER (WHERE loc[0] > 1) AS east
FROM items;
