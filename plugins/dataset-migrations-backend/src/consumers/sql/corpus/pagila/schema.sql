-- Ours: pagila's tables (pagila-schema.sql at eddcfc4, its column names and types;
-- payment not partitioned, film without its embedding table), with rows of our own
-- chosen so every file reads rows (pagila-data.sql is not in the snapshot).
-- Each film has one actor and each actor at most one film per category, so the
-- views' array_agg and group_concat, which have no ORDER BY, aggregate one value.
CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
CREATE DOMAIN year AS integer
  CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)));

CREATE TABLE country (
    country_id integer NOT NULL,
    country text NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE city (
    city_id integer NOT NULL,
    city text NOT NULL,
    country_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE address (
    address_id integer NOT NULL,
    address text NOT NULL,
    address2 text,
    district text NOT NULL,
    city_id integer NOT NULL,
    postal_code text,
    phone text NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE language (
    language_id integer NOT NULL,
    name text NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE category (
    category_id integer NOT NULL,
    name text NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE actor (
    actor_id integer NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE film (
    film_id integer NOT NULL,
    title text NOT NULL,
    description text,
    release_year year,
    language_id integer NOT NULL,
    original_language_id integer,
    rental_duration smallint DEFAULT 3 NOT NULL,
    rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,
    length smallint,
    replacement_cost numeric(5,2) DEFAULT 19.99 NOT NULL,
    rating mpaa_rating DEFAULT 'G'::mpaa_rating,
    last_update timestamp with time zone DEFAULT now() NOT NULL,
    special_features text[],
    fulltext tsvector NOT NULL,
    length_hours numeric(4,2) GENERATED ALWAYS AS (round(length / 60.0, 2)) VIRTUAL
);
CREATE TABLE film_actor (
    actor_id integer NOT NULL,
    film_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE film_category (
    film_id integer NOT NULL,
    category_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE store (
    store_id integer NOT NULL,
    manager_staff_id integer NOT NULL,
    address_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE staff (
    staff_id integer NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    address_id integer NOT NULL,
    email text,
    store_id integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    username text NOT NULL,
    password text,
    last_update timestamp with time zone DEFAULT now() NOT NULL,
    picture bytea
);
CREATE TABLE customer (
    customer_id integer NOT NULL,
    store_id integer NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text,
    address_id integer NOT NULL,
    activebool boolean DEFAULT true NOT NULL,
    create_date date DEFAULT CURRENT_DATE NOT NULL,
    last_update timestamp with time zone DEFAULT now(),
    active integer,
    uuid uuid DEFAULT uuidv7() NOT NULL
);
CREATE TABLE inventory (
    inventory_id integer NOT NULL,
    film_id integer NOT NULL,
    store_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE rental (
    rental_id integer NOT NULL,
    rental_date timestamp with time zone NOT NULL,
    inventory_id integer NOT NULL,
    customer_id integer NOT NULL,
    return_date timestamp with time zone,
    staff_id integer NOT NULL,
    last_update timestamp with time zone DEFAULT now() NOT NULL,
    uuid uuid DEFAULT uuidv7() NOT NULL
);
CREATE TABLE payment (
    payment_id integer NOT NULL,
    customer_id integer NOT NULL,
    staff_id integer NOT NULL,
    rental_id integer NOT NULL,
    amount numeric(5,2) NOT NULL,
    payment_date timestamp with time zone NOT NULL,
    uuid uuid DEFAULT uuidv7() NOT NULL
);

INSERT INTO country (country_id, country) VALUES (1, 'Canada'), (2, 'Japan');
INSERT INTO city (city_id, city, country_id) VALUES (1, 'Lethbridge', 1), (2, 'Okayama', 2);
INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone) VALUES
  (1, '47 MySakila Drive', NULL, 'Alberta', 1, '', ''),
  (2, '28 MySQL Boulevard', NULL, 'QLD', 2, '', ''),
  (3, '23 Workhaven Lane', NULL, 'Alberta', 1, '', '14033335568'),
  (4, '1411 Lillydale Drive', NULL, 'QLD', 2, '', '6172235589'),
  (5, '1913 Hanoi Way', '', 'Nagasaki', 1, '35200', '28303384290'),
  (6, '1121 Loja Avenue', '', 'California', 2, '17886', '838635286649');
INSERT INTO language (language_id, name) VALUES (1, 'English');
INSERT INTO category (category_id, name) VALUES (1, 'Action'), (2, 'Games'), (3, 'Drama');
INSERT INTO actor (actor_id, first_name, last_name) VALUES
  (1, 'PENELOPE', 'GUINESS'), (2, 'NICK', 'WAHLBERG'), (3, 'ED', 'CHASE'), (4, 'JENNIFER', 'DAVIS');
INSERT INTO film (film_id, title, description, release_year, language_id, rental_duration,
                  rental_rate, length, replacement_cost, rating, special_features, fulltext) VALUES
  (1, 'ACADEMY DINOSAUR', 'A Epic Drama of a Feminist And a Mad Scientist who must Battle a Teacher in The Canadian Rockies',
   2006, 1, 6, 0.99, 86, 20.99, 'PG', '{"Deleted Scenes","Behind the Scenes"}', ''),
  (2, 'ACE GOLDFINGER', 'A Astounding Epistle of a Database Administrator And a Explorer who must Find a Car in Ancient China',
   2006, 1, 3, 4.99, 48, 12.99, 'G', '{Trailers,"Deleted Scenes"}', ''),
  (3, 'ADAPTATION HOLES', 'A Tale of Fate, of a Lumberjack And a Woman who must Find a Boat in India',
   2006, 1, 7, 2.99, 50, 18.99, 'NC-17', '{Trailers}', ''),
  (4, 'AFFAIR PREJUDICE', 'A Fanciful Documentary of a Frisbee And a Lumberjack who must Chase a Monkey in A Shark Tank',
   2006, 1, 5, 2.99, 117, 26.99, 'G', '{Commentaries,"Behind the Scenes"}', '');
UPDATE film SET fulltext = to_tsvector('english', title || ' ' || description);
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 2), (3, 3), (1, 4);
INSERT INTO film_category (film_id, category_id) VALUES (1, 2), (2, 1), (3, 3), (4, 1);
INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, username, password) VALUES
  (1, 'Mike', 'Hillyer', 3, 'Mike.Hillyer@sakilastaff.com', 1, 'Mike', '8cb2237d0679ca88db6464eac60da96345513964'),
  (2, 'Jon', 'Stephens', 4, 'Jon.Stephens@sakilastaff.com', 2, 'Jon', '8cb2237d0679ca88db6464eac60da96345513964');
INSERT INTO store (store_id, manager_staff_id, address_id) VALUES (1, 1, 1), (2, 2, 2);
INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, activebool, create_date, active) VALUES
  (1, 1, 'MARY', 'SMITH', 'MARY.SMITH@sakilacustomer.org', 5, true, '2022-02-14', 1),
  (2, 1, 'PATRICIA', 'JOHNSON', 'PATRICIA.JOHNSON@sakilacustomer.org', 5, false, '2022-02-14', 0),
  (3, 2, 'LINDA', 'WILLIAMS', 'LINDA.WILLIAMS@sakilacustomer.org', 6, true, '2022-02-14', 1),
  (4, 2, 'BARBARA', 'JONES', 'BARBARA.JONES@sakilacustomer.org', 6, true, '2022-02-14', 1);
INSERT INTO inventory (inventory_id, film_id, store_id) VALUES
  (1, 1, 1), (2, 1, 1), (3, 2, 2), (4, 3, 1), (5, 4, 2), (6, 1, 2);
-- rewards_report reads the month three months before today's.
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id) VALUES
  (1, '2022-05-24 22:53:30+00', 1, 1, '2022-05-26 22:04:30+00', 1),
  (2, '2022-05-24 22:54:33+00', 2, 1, NULL, 1),
  (3, '2022-05-25 00:02:21+00', 3, 3, '2022-05-28 19:40:33+00', 2),
  (4, '2022-06-01 01:48:14+00', 4, 2, NULL, 1),
  (5, '2022-06-02 02:01:12+00', 5, 4, '2022-06-05 17:11:50+00', 2),
  (6, '2022-06-03 09:55:32+00', 6, 3, '2022-06-09 13:42:10+00', 2),
  (7, date_trunc('month', current_date - interval '3 month') + interval '2 days 10 hours', 3, 1,
      date_trunc('month', current_date - interval '3 month') + interval '4 days', 2),
  (8, date_trunc('month', current_date - interval '3 month') + interval '5 days 10 hours', 5, 1,
      date_trunc('month', current_date - interval '3 month') + interval '7 days', 2),
  (9, date_trunc('month', current_date - interval '3 month') + interval '9 days 10 hours', 6, 3,
      date_trunc('month', current_date - interval '3 month') + interval '12 days', 2);
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date) VALUES
  (1, 1, 1, 1, 2.99, '2022-05-25 11:30:37+00'),
  (2, 1, 1, 2, 0.99, '2022-05-28 10:35:23+00'),
  (3, 3, 2, 3, 5.99, '2022-05-28 12:04:12+00'),
  (4, 2, 1, 4, 4.99, '2022-06-01 02:00:00+00'),
  (5, 4, 2, 5, 3.99, '2022-06-05 17:20:00+00'),
  (6, 3, 2, 6, 7.99, '2022-06-09 14:00:00+00'),
  (7, 1, 2, 7, 1.99, date_trunc('month', current_date - interval '3 month') + interval '4 days 1 hour'),
  (8, 1, 2, 8, 2.49, date_trunc('month', current_date - interval '3 month') + interval '7 days 1 hour'),
  (9, 3, 2, 9, 9.99, date_trunc('month', current_date - interval '3 month') + interval '12 days 1 hour');
