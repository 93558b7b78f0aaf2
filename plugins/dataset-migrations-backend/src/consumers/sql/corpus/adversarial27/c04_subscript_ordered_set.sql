SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY scores[1]) AS med,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY scores[1]) AS med_disc,
       mode() WITHIN GROUP (ORDER BY tags[1]) AS common
FROM items;
