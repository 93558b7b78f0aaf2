SELECT film_id, title, length, length_hours
FROM film
ORDER BY film_id
LIMIT 3;
