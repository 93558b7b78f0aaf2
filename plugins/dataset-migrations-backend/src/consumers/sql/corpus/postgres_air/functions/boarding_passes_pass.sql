CREATE TYPE boarding_pass_record AS
(
	boarding_pass_id integer,
	booking_leg_id bigint,
	flight_no text,
	departure_airport text,
	arrival_airport text,
	last_name text,
	first_name text,
	seat text,
	boarding_time timestamp with time zone
);

CREATE OR REPLACE FUNCTION boarding_passes_pass (p_pass_id int)
RETURNS SETOF boarding_pass_record
AS
$body$
BEGIN
RETURN QUERY
SELECT pass_id,
bp.booking_leg_id,
flight_no,
departure_airport::text ,
arrival_airport ::text,
last_name ,
first_name ,
seat,
boarding_time
FROM flight f
JOIN booking_leg bl USING (flight_id)	
JOIN boarding_pass bp USING(booking_leg_id)
JOIN passenger USING (passenger_id)
WHERE pass_id=p_pass_id;
END;
$body$
LANGUAGE plpgsql;

SELECT * FROM boarding_passes_pass(4);
