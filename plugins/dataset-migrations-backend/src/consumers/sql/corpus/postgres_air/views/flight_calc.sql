CREATE OR REPLACE VIEW flight_calc
 AS
 SELECT bl.flight_id,
    f.departure_airport,
    (avg(b.price))::numeric(7,2) AS avg_price,
    count(DISTINCT p.passenger_id) AS num_passengers
   FROM (((booking b
     JOIN booking_leg bl USING (booking_id))
     JOIN flight f USING (flight_id))
     JOIN passenger p USING (booking_id))
  GROUP BY bl.flight_id, f.departure_airport;

SELECT * FROM flight_calc;
