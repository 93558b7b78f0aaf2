-- Ours: postgres_air's tables as its functions, views and types read them (the
-- column names and types of the postgres_air schema; its data is a pg_dump on
-- Google Drive, not in the repository), with rows of our own chosen so every file
-- reads rows. "Today" is 2024-08-13, as in its 2024 edition.
CREATE TABLE airport (
    airport_code character(3) NOT NULL,
    airport_name text NOT NULL,
    city text NOT NULL,
    airport_tz text NOT NULL,
    continent text,
    iso_country text,
    iso_region text,
    intnl boolean NOT NULL,
    update_ts timestamp with time zone
);
CREATE TABLE aircraft (
    model text,
    range numeric NOT NULL,
    class integer NOT NULL,
    velocity numeric NOT NULL,
    code text NOT NULL
);
CREATE TABLE flight (
    flight_id integer NOT NULL,
    flight_no text NOT NULL,
    scheduled_departure timestamp with time zone NOT NULL,
    scheduled_arrival timestamp with time zone NOT NULL,
    departure_airport character(3) NOT NULL,
    arrival_airport character(3) NOT NULL,
    status text NOT NULL,
    aircraft_code character(3) NOT NULL,
    actual_departure timestamp with time zone,
    actual_arrival timestamp with time zone,
    update_ts timestamp with time zone
);
CREATE TABLE booking (
    booking_id bigint NOT NULL,
    booking_ref text NOT NULL,
    booking_name text,
    account_id integer,
    email text NOT NULL,
    phone text NOT NULL,
    update_ts timestamp with time zone,
    price numeric(7,2)
);
CREATE TABLE booking_leg (
    booking_leg_id integer NOT NULL,
    booking_id integer NOT NULL,
    flight_id integer NOT NULL,
    leg_num integer,
    is_returning boolean,
    update_ts timestamp with time zone
);
CREATE TABLE passenger (
    passenger_id integer NOT NULL,
    booking_id integer NOT NULL,
    booking_ref text,
    passenger_no integer,
    first_name text NOT NULL,
    last_name text NOT NULL,
    account_id integer,
    update_ts timestamp with time zone,
    age integer
);
CREATE TABLE boarding_pass (
    pass_id integer NOT NULL,
    passenger_id bigint,
    booking_leg_id bigint,
    seat text,
    boarding_time timestamp with time zone,
    precheck boolean,
    update_ts timestamp with time zone
);
-- What tables/custom_field.sql makes, with fixed values in place of random().
CREATE TABLE custom_field (
    custom_field_id integer NOT NULL,
    passenger_id integer,
    custom_field_name text,
    custom_field_value text
);

INSERT INTO airport VALUES
  ('JFK', 'John F Kennedy Intl', 'NEW YORK', 'America/New_York', 'NA', 'US', 'US-NY', true, '2024-01-01 00:00+00'),
  ('ORD', 'Chicago Ohare Intl', 'CHICAGO', 'America/Chicago', 'NA', 'US', 'US-IL', true, '2024-01-01 00:00+00'),
  ('LHR', 'Heathrow', 'LONDON', 'Europe/London', 'EU', 'GB', 'GB-ENG', true, '2024-01-01 00:00+00');
INSERT INTO aircraft VALUES
  ('Airbus A320', 5700, 2, 840, '320'),
  ('Boeing 777-300', 11100, 1, 905, '773');
INSERT INTO flight VALUES
  (1, '1001', '2024-08-13 08:00+00', '2024-08-13 10:30+00', 'JFK', 'ORD', 'On schedule', '320', NULL, NULL, '2024-08-01 00:00+00'),
  (2, '1002', '2024-08-13 18:00+00', '2024-08-13 20:10+00', 'ORD', 'JFK', 'On schedule', '320', NULL, NULL, '2024-08-01 00:00+00'),
  (3, '2001', '2024-08-12 21:00+00', '2024-08-13 05:00+00', 'JFK', 'LHR', 'Departed', '773', '2024-08-12 21:20+00', '2024-08-13 05:15+00', '2024-08-12 21:20+00'),
  (4, '2002', '2024-08-14 09:00+00', '2024-08-14 17:00+00', 'LHR', 'JFK', 'Delayed', '773', NULL, NULL, '2024-08-10 00:00+00');
INSERT INTO booking VALUES
  (1, 'AB12CD', 'Smith', 1, 'anna.smith@example.com', '5550100', '2024-08-01 10:00+00', 420.50),
  (2, 'EF34GH', 'Jones', 2, 'bob.jones@example.com', '5550101', '2024-08-02 11:00+00', 199.99),
  (3, 'IJ56KL', 'Brown', NULL, 'alice.brown@example.com', '5550102', '2024-08-03 12:00+00', 1250.00);
INSERT INTO booking_leg VALUES
  (1, 1, 1, 1, false, '2024-08-01 10:00+00'),
  (2, 1, 2, 2, true, '2024-08-01 10:00+00'),
  (3, 2, 1, 1, false, '2024-08-02 11:00+00'),
  (4, 3, 3, 1, false, '2024-08-03 12:00+00'),
  (5, 3, 4, 2, true, '2024-08-03 12:00+00');
INSERT INTO passenger VALUES
  (1, 1, 'AB12CD', 1, 'ANNA', 'SMITH', 1, '2024-08-01 10:00+00', 34),
  (2, 1, 'AB12CD', 2, 'TOM', 'SMITH', NULL, '2024-08-01 10:00+00', 9),
  (3, 2, 'EF34GH', 1, 'BOB', 'JONES', 2, '2024-08-02 11:00+00', 70),
  (4, 3, 'IJ56KL', 1, 'ALICE', 'BROWN', NULL, '2024-08-03 12:00+00', 2),
  (5, 3, 'IJ56KL', 2, 'CARL', 'BROWN', NULL, '2024-08-03 12:00+00', 45);
INSERT INTO boarding_pass VALUES
  (1, 1, 1, '12A', '2024-08-13 07:30+00', true, '2024-08-12 07:30+00'),
  (2, 2, 1, '12B', '2024-08-13 07:30+00', false, '2024-08-12 07:30+00'),
  (3, 3, 3, '3C', '2024-08-13 07:30+00', false, '2024-08-12 07:31+00'),
  (4, 4, 4, '40D', '2024-08-12 20:30+00', false, '2024-08-11 20:30+00'),
  (5, 5, 4, '40E', '2024-08-12 20:30+00', true, '2024-08-11 20:30+00');
INSERT INTO custom_field VALUES
  (1, 1, 'passport_num', '123456789'),
  (2, 1, 'passport_exp_date', '2030-01-01'),
  (3, 1, 'passport_country', 'Narnia'),
  (4, 3, 'passport_num', '987654321'),
  (5, 3, 'passport_country', 'Shire'),
  (6, 4, 'passport_exp_date', '2027-06-30');
