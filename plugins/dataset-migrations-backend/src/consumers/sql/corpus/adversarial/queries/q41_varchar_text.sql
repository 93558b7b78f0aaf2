SELECT note, length(note) AS len, upper(note) || '!' AS shout, count(*) AS n
FROM orders
GROUP BY note
ORDER BY note NULLS FIRST;
