-- PostgreSQL Exercises' club schema (`cd` in the original: members, facilities,
-- bookings), the column names and types of its database/clubdata.sql, without the
-- schema (the harness keeps a source's tables in one schema of its own) and without
-- its keys and indexes. The rows are ours, not the exercises' data dump: a guest
-- (memid 0), members recommending members five levels deep (1 -> 4 -> 10 -> 13 ->
-- 20 -> 27), some recommended by no one (NULL), phone numbers with and without
-- parentheses, zip codes of fewer than five digits, and bookings from July 2012 to
-- January 2013.
CREATE TABLE bookings (
    bookid integer NOT NULL,
    facid integer NOT NULL,
    memid integer NOT NULL,
    starttime timestamp without time zone NOT NULL,
    slots integer NOT NULL
);

CREATE TABLE facilities (
    facid integer NOT NULL,
    name character varying(100) NOT NULL,
    membercost numeric NOT NULL,
    guestcost numeric NOT NULL,
    initialoutlay numeric NOT NULL,
    monthlymaintenance numeric NOT NULL
);

CREATE TABLE members (
    memid integer NOT NULL,
    surname character varying(200) NOT NULL,
    firstname character varying(200) NOT NULL,
    address character varying(300) NOT NULL,
    zipcode integer NOT NULL,
    telephone character varying(20) NOT NULL,
    recommendedby integer,
    joindate timestamp without time zone NOT NULL
);

INSERT INTO facilities VALUES
  (0, 'Tennis Court 1', 4, 22, 9500, 250),
  (1, 'Tennis Court 2', 4, 22, 8200, 240),
  (2, 'Badminton Court', 0, 14.5, 3800, 45),
  (3, 'Table Tennis', 0, 4.5, 300, 12),
  (4, 'Massage Room 1', 33, 75, 3900, 2800),
  (5, 'Massage Room 2', 33, 75, 3700, 2900),
  (6, 'Squash Court', 3.25, 16, 4800, 75),
  (7, 'Snooker Table', 0, 4, 420, 14),
  (8, 'Pool Table', 0, 4, 380, 16);

INSERT INTO members VALUES
  (0, 'GUEST', 'GUEST', 'GUEST', 0, '(000) 000-0000', NULL, '2012-07-01 00:00:00'),
  (1, 'Pemberton', 'Alma', '11 Pemberton Lane, Boston', 561, '(325) 777-7353', NULL, '2012-07-03 09:07:00'),
  (2, 'Oakes', 'Bertram', '12 Oakes Lane, Boston', 234, '(445) 302-8020', NULL, '2012-07-05 10:14:00'),
  (3, 'Lindqvist', 'Cecily', '13 Lindqvist Lane, Boston', 80743, '387-591-4841', NULL, '2012-07-07 11:21:00'),
  (4, 'Haddad', 'Dorian', '14 Haddad Lane, Boston', 80743, '(470) 300-4158', 1, '2012-07-09 12:28:00'),
  (5, 'Moreau', 'Elodie', '15 Moreau Lane, Boston', 28563, '(532) 634-2856', 1, '2012-07-11 13:35:00'),
  (6, 'Baxter', 'Fergus', '16 Baxter Lane, Boston', 97412, '373-343-3280', NULL, '2012-07-13 14:42:00'),
  (7, 'Quinlan', 'Greta', '17 Quinlan Lane, Boston', 234, '(789) 619-3307', 5, '2012-07-15 15:49:00'),
  (8, 'Nakamura', 'Hiroshi', '18 Nakamura Lane, Boston', 80743, '(421) 833-4897', 7, '2012-07-17 16:56:00'),
  (9, 'Farrell', 'Ivo', '19 Farrell Lane, Boston', 10383, '206-450-6641', NULL, '2012-07-19 17:03:00'),
  (10, 'Okafor', 'Jude', '20 Okafor Lane, Boston', 97412, '(990) 844-6650', 4, '2012-07-21 08:10:00'),
  (11, 'Brennan', 'Kira', '21 Brennan Lane, Boston', 234, '(807) 686-8630', 4, '2012-08-23 09:17:00'),
  (12, 'Castellano', 'Lorenzo', '22 Castellano Lane, Boston', 10383, '476-714-4967', 5, '2012-08-25 10:24:00'),
  (13, 'Duval', 'Mireille', '23 Duval Lane, Boston', 28563, '(488) 588-9304', 10, '2012-08-27 11:31:00'),
  (14, 'Ellison', 'Nils', '24 Ellison Lane, Boston', 561, '(707) 800-2625', NULL, '2012-08-01 12:38:00'),
  (15, 'Fairweather', 'Odette', '25 Fairweather Lane, Boston', 97412, '411-762-7159', 12, '2012-08-03 13:45:00'),
  (16, 'Gallagher', 'Piers', '26 Gallagher Lane, Boston', 561, '(616) 625-7869', 12, '2012-08-05 14:52:00'),
  (17, 'Horvath', 'Quentin', '27 Horvath Lane, Boston', 28563, '(921) 306-9640', NULL, '2012-08-07 15:59:00'),
  (18, 'Ivanova', 'Rosalind', '28 Ivanova Lane, Boston', 10383, '747-964-5564', 10, '2012-08-09 16:06:00'),
  (19, 'Jarvis', 'Silas', '29 Jarvis Lane, Boston', 80743, '(290) 603-2423', 13, '2012-08-11 17:13:00'),
  (20, 'Kowalski', 'Thea', '30 Kowalski Lane, Boston', 80743, '(355) 601-1291', 13, '2012-08-13 08:20:00'),
  (21, 'Lund', 'Ulrich', '31 Lund Lane, Boston', 97412, '863-194-8904', NULL, '2012-09-15 09:27:00'),
  (22, 'Mbeki', 'Vera', '32 Mbeki Lane, Boston', 234, '(408) 902-6444', 20, '2012-09-17 10:34:00'),
  (23, 'Novak', 'Wendell', '33 Novak Lane, Boston', 4321, '(336) 891-1428', NULL, '2012-09-19 11:41:00'),
  (24, 'Ortega', 'Ximena', '34 Ortega Lane, Boston', 80743, '609-936-6631', 27, '2012-09-21 12:48:00'),
  (25, 'Petrov', 'Yusuf', '35 Petrov Lane, Boston', 561, '(594) 526-2117', 22, '2012-09-23 13:55:00'),
  (26, 'Rahman', 'Zelda', '36 Rahman Lane, Boston', 10383, '(924) 506-5908', NULL, '2012-09-25 14:02:00'),
  (27, 'Sorensen', 'Anders', '37 Sorensen Lane, Boston', 561, '543-446-4938', 20, '2012-09-27 15:09:00'),
  (28, 'Farrell', 'David', '38 Farrell Lane, Boston', 561, '(644) 815-8866', NULL, '2012-09-01 16:16:00'),
  (29, 'Tanaka', 'Beatrix', '39 Tanaka Lane, Boston', 4321, '(785) 533-2392', 24, '2012-09-03 17:23:00'),
  (30, 'Underwood', 'Casimir', '40 Underwood Lane, Boston', 561, '830-856-6985', 16, '2012-09-05 08:30:00');

INSERT INTO bookings VALUES
  (0, 0, 1, '2012-07-02 08:00:00', 300),
  (1, 0, 1, '2012-07-03 08:00:00', 300),
  (2, 0, 1, '2012-07-04 08:00:00', 300),
  (3, 0, 1, '2012-07-05 08:00:00', 300),
  (4, 0, 28, '2012-09-21 08:00:00', 3),
  (5, 1, 0, '2012-09-21 10:30:00', 2),
  (6, 0, 9, '2012-09-21 14:00:00', 2),
  (7, 4, 0, '2012-09-14 11:00:00', 2),
  (8, 4, 5, '2012-09-14 13:00:00', 1),
  (9, 6, 28, '2012-09-14 15:30:00', 2),
  (10, 0, 0, '2012-09-14 09:00:00', 3),
  (11, 3, 12, '2012-08-15 10:00:00', 2),
  (12, 3, 13, '2013-01-02 12:00:00', 2),
  (13, 0, 13, '2012-09-18 15:00:00', 1),
  (14, 4, 10, '2012-09-16 17:30:00', 4),
  (15, 2, 4, '2012-08-28 10:30:00', 6),
  (16, 4, 12, '2012-07-25 09:30:00', 5),
  (17, 2, 15, '2012-09-05 11:30:00', 1),
  (18, 2, 15, '2012-09-23 11:00:00', 3),
  (19, 1, 20, '2012-08-03 13:30:00', 1),
  (20, 4, 24, '2012-08-24 10:30:00', 6),
  (21, 6, 15, '2012-09-14 19:00:00', 3),
  (22, 6, 28, '2012-07-19 12:30:00', 3),
  (23, 1, 4, '2012-08-06 13:00:00', 6),
  (24, 7, 0, '2012-07-25 13:30:00', 5),
  (25, 7, 13, '2012-09-03 11:00:00', 4),
  (26, 5, 1, '2012-07-08 13:30:00', 5),
  (27, 8, 28, '2012-09-28 14:30:00', 4),
  (28, 0, 13, '2012-08-22 11:00:00', 1),
  (29, 6, 22, '2012-08-23 09:00:00', 3),
  (30, 3, 4, '2012-09-05 19:30:00', 1),
  (31, 2, 4, '2012-09-09 08:30:00', 6),
  (32, 8, 1, '2012-08-14 10:30:00', 5),
  (33, 3, 20, '2012-08-16 08:30:00', 5),
  (34, 0, 20, '2012-09-10 19:30:00', 6),
  (35, 0, 4, '2012-09-19 11:00:00', 2),
  (36, 4, 15, '2012-08-07 14:00:00', 5),
  (37, 2, 0, '2012-09-18 18:00:00', 4),
  (38, 1, 27, '2012-09-16 11:00:00', 4),
  (39, 5, 22, '2012-08-14 12:00:00', 2),
  (40, 6, 15, '2012-08-24 19:30:00', 3),
  (41, 3, 0, '2012-07-20 10:30:00', 1),
  (42, 1, 12, '2012-08-12 11:30:00', 1),
  (43, 1, 15, '2012-08-05 13:30:00', 1),
  (44, 6, 9, '2012-08-02 12:00:00', 2),
  (45, 2, 20, '2012-08-12 18:00:00', 1),
  (46, 0, 1, '2012-09-26 13:00:00', 1),
  (47, 3, 22, '2012-08-11 12:30:00', 5),
  (48, 5, 15, '2012-09-27 17:30:00', 3),
  (49, 4, 9, '2012-08-16 13:30:00', 4),
  (50, 5, 28, '2012-09-26 09:30:00', 4),
  (51, 2, 22, '2012-08-16 13:00:00', 4),
  (52, 4, 28, '2012-08-16 10:30:00', 3),
  (53, 6, 27, '2012-08-25 12:30:00', 3),
  (54, 3, 5, '2012-09-01 19:30:00', 6),
  (55, 3, 28, '2012-09-02 16:00:00', 6),
  (56, 5, 0, '2012-09-25 14:00:00', 4),
  (57, 5, 12, '2012-08-28 16:00:00', 6);
