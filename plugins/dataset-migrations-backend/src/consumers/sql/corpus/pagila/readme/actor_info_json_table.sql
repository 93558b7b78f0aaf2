CREATE VIEW actor_info AS
 SELECT a.actor_id,
    a.first_name,
    a.last_name,
    jsonb_object_agg(c.name, ( SELECT array_agg(f.title) AS array_agg
           FROM ((film f
             JOIN film_category fc_1 ON ((f.film_id = fc_1.film_id)))
             JOIN film_actor fa_1 ON ((f.film_id = fa_1.film_id)))
          WHERE ((fc_1.category_id = c.category_id) AND (fa_1.actor_id = a.actor_id))
          GROUP BY fa_1.actor_id)) FILTER (WHERE (c.name IS NOT NULL)) AS film_info
   FROM (((actor a
     LEFT JOIN film_actor fa ON ((a.actor_id = fa.actor_id)))
     LEFT JOIN film_category fc ON ((fa.film_id = fc.film_id)))
     LEFT JOIN category c ON ((fc.category_id = c.category_id)))
  GROUP BY a.actor_id, a.first_name, a.last_name;

WITH doc AS (
  SELECT jsonb_build_object(
    'actor', first_name || ' ' || last_name,
    'categories', (
      SELECT jsonb_agg(jsonb_build_object('category', key, 'titles', value))
      FROM jsonb_each(film_info)
    )
  ) AS payload
  FROM actor_info
  WHERE actor_id = 1
)
SELECT jt.*
FROM doc,
     JSON_TABLE(
       payload, '$'
       COLUMNS (
         actor text PATH '$.actor',
         NESTED PATH '$.categories[*]' COLUMNS (
           category text PATH '$.category',
           NESTED PATH '$.titles[*]' COLUMNS (
             title text PATH '$'
           )
         )
       )
     ) AS jt
ORDER BY category, title;
