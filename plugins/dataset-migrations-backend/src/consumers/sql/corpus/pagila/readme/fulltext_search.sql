SELECT * FROM film WHERE fulltext @@ to_tsquery('fate&india');
