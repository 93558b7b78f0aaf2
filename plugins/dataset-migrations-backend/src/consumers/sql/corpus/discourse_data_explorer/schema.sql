-- Ours: the tables Discourse Data Explorer's default queries read, with Discourse's
-- column names and types (only the columns they read), and rows of our own, dated
-- from the day the schema loads (the queries read "last month", "the last 7 days",
-- "the last 30 days" and "the last 6 months"), chosen so every query reads rows.
CREATE TABLE users (
  id integer NOT NULL,
  username varchar(60) NOT NULL,
  username_lower varchar(60) NOT NULL,
  name varchar,
  trust_level integer NOT NULL,
  admin boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT false,
  views integer NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL,
  last_seen_at timestamp
);
INSERT INTO users VALUES
  (1, 'Alice', 'alice', 'Alice A', 1, false, true, 10, now()::timestamp - interval '400 days', now()::timestamp - interval '1 day'),
  (2, 'Bob', 'bob', 'Bob B', 0, false, true, 3, now()::timestamp - interval '200 days', now()::timestamp - interval '2 days'),
  (3, 'Carol', 'carol', NULL, 1, false, true, 0, now()::timestamp - interval '100 days', now()::timestamp - interval '3 days'),
  (4, 'Dave', 'dave', 'Dave D', 0, false, false, 0, now()::timestamp - interval '50 days', NULL),
  (5, 'Erin', 'erin', 'Erin E', 4, true, true, 7, now()::timestamp - interval '900 days', now()::timestamp);

CREATE TABLE user_emails (email varchar(513) NOT NULL, user_id integer NOT NULL, "primary" boolean NOT NULL DEFAULT false);
INSERT INTO user_emails VALUES ('alice@example.com', 1, true), ('alice@old.example.com', 1, false),
  ('bob@example.com', 2, true), ('carol@example.com', 3, true), ('erin@example.com', 5, true);

CREATE TABLE categories (id integer NOT NULL, name varchar(50) NOT NULL);
INSERT INTO categories VALUES (1, 'General'), (2, 'Support');

CREATE TABLE topics (
  id integer NOT NULL,
  user_id integer,
  category_id integer,
  archetype varchar NOT NULL DEFAULT 'regular',
  subtype varchar,
  posts_count integer NOT NULL DEFAULT 0,
  score double precision,
  created_at timestamp NOT NULL,
  deleted_at timestamp
);
INSERT INTO topics VALUES
  (1, 1, 1, 'regular', NULL, 31, 12.5, date_trunc('month', current_date) - interval '1 month' + interval '2 days 10 hours', NULL),
  (2, 2, 2, 'regular', NULL, 32, 3.25, date_trunc('month', current_date) - interval '1 month' + interval '5 days 23 hours 30 minutes', NULL),
  (3, 2, NULL, 'private_message', 'user_to_user', 2, NULL, now()::timestamp - interval '2 days', NULL),
  (4, 1, NULL, 'regular', NULL, 1, 0.5, date_trunc('month', current_date) - interval '1 month' + interval '9 days', NULL),
  (5, 1, 2, 'regular', NULL, 1, 1, date_trunc('month', current_date) - interval '1 month' + interval '10 days', now()::timestamp - interval '1 day');

CREATE TABLE posts (
  id integer NOT NULL,
  user_id integer,
  topic_id integer NOT NULL,
  post_number integer NOT NULL,
  post_type integer NOT NULL DEFAULT 1,
  last_editor_id integer,
  self_edits integer NOT NULL DEFAULT 0,
  score double precision,
  created_at timestamp NOT NULL,
  updated_at timestamp NOT NULL,
  deleted_at timestamp
);
-- Alice's 60 posts in topics 1 and 2, last month (every 7 hours from its 2nd day).
INSERT INTO posts
SELECT i, 1, 1 + i % 2, i / 2 + 1, 1, 1, i % 3, i * 1.25,
       date_trunc('month', current_date) - interval '1 month' + interval '1 day' + i * interval '7 hours',
       date_trunc('month', current_date) - interval '1 month' + interval '1 day' + i * interval '7 hours' + interval '5 minutes',
       NULL
FROM generate_series(1, 60) AS i;
INSERT INTO posts VALUES
  (61, 2, 2, 40, 1, 2, 2, 4.5, now()::timestamp - interval '3 days', now()::timestamp - interval '2 days', NULL),
  (62, 2, 3, 1, 4, 2, 0, 0, now()::timestamp - interval '2 days', now()::timestamp - interval '2 days', NULL),
  (63, 1, 3, 2, 4, 1, 0, 0, now()::timestamp - interval '1 day', now()::timestamp - interval '1 day', NULL),
  (64, 2, 1, 41, 1, 5, 1, 2, now()::timestamp - interval '10 days', now()::timestamp - interval '9 days', now()::timestamp - interval '8 days'),
  (65, 5, 4, 1, 1, 5, 0, 9.75, date_trunc('month', current_date) - interval '1 month' + interval '9 days', date_trunc('month', current_date) - interval '1 month' + interval '9 days', NULL),
  (66, 2, 5, 1, 1, 2, 0, 1, date_trunc('month', current_date) - interval '1 month' + interval '10 days', date_trunc('month', current_date) - interval '1 month' + interval '10 days', NULL);

CREATE TABLE post_actions (
  id integer NOT NULL,
  post_id integer NOT NULL,
  user_id integer NOT NULL,
  post_action_type_id integer NOT NULL,
  created_at timestamp NOT NULL
);
INSERT INTO post_actions VALUES
  (1, 1, 2, 2, now()::timestamp - interval '5 days'),
  (2, 2, 2, 2, now()::timestamp - interval '4 days'),
  (3, 3, 2, 2, now()::timestamp - interval '40 days'),
  (4, 61, 1, 2, now()::timestamp - interval '2 days'),
  (5, 61, 3, 2, now()::timestamp - interval '1 day'),
  (6, 65, 1, 2, now()::timestamp - interval '6 days'),
  (7, 4, 5, 3, now()::timestamp - interval '6 days'),
  (8, 99, 3, 2, now()::timestamp - interval '3 days');

CREATE TABLE user_actions (id integer NOT NULL, user_id integer NOT NULL, action_type integer NOT NULL, target_post_id integer, created_at timestamp NOT NULL);
INSERT INTO user_actions VALUES
  (1, 2, 1, 1, date_trunc('month', current_date) - interval '1 month' + interval '3 days'),
  (2, 2, 1, 2, date_trunc('month', current_date) - interval '1 month' + interval '4 days'),
  (3, 1, 1, 61, date_trunc('month', current_date) - interval '1 month' + interval '5 days'),
  (4, 3, 2, 61, date_trunc('month', current_date) - interval '1 month' + interval '5 days'),
  (5, 3, 1, 65, date_trunc('month', current_date) - interval '2 months' + interval '5 days');

CREATE TABLE user_visits (id integer NOT NULL, user_id integer NOT NULL, visited_at date NOT NULL, posts_read integer DEFAULT 0);
INSERT INTO user_visits VALUES
  (1, 1, current_date - 3, 12), (2, 1, current_date - 1, 8), (3, 2, current_date - 2, 5),
  (4, 3, current_date - 2, 90), (5, 3, current_date - 1, 70), (6, 5, current_date - 40, 3), (7, 2, current_date - 5, 0);

CREATE TABLE topic_views (topic_id integer NOT NULL, viewed_at date NOT NULL, user_id integer, ip_address inet);
INSERT INTO topic_views VALUES (1, current_date - 1, 1, NULL), (2, current_date - 1, 1, NULL), (2, current_date - 2, 3, NULL), (1, current_date - 2, 3, NULL), (3, current_date - 1, 2, NULL);

CREATE TABLE uploads (
  id integer NOT NULL,
  user_id integer NOT NULL,
  original_filename varchar NOT NULL,
  filesize integer NOT NULL,
  extension varchar(10),
  url varchar NOT NULL,
  created_at timestamp NOT NULL
);
INSERT INTO uploads VALUES
  (1, 1, 'diagram.png', 2456789, 'png', '/uploads/default/original/1X/aa.png', now()::timestamp - interval '20 days'),
  (2, 2, 'log.txt', 1234, 'txt', '/uploads/default/original/1X/bb.txt', now()::timestamp - interval '3 days'),
  (3, 1, 'movie.mp4', 98765432, 'mp4', '/uploads/default/original/1X/cc.mp4', now()::timestamp - interval '1 day');

CREATE TABLE upload_references (id integer NOT NULL, upload_id integer NOT NULL, target_type varchar NOT NULL, target_id integer NOT NULL);
INSERT INTO upload_references VALUES (1, 1, 'Post', 1), (2, 2, 'Post', 61), (3, 3, 'Post', 63), (4, 1, 'UserProfile', 1);

CREATE TABLE topic_users (user_id integer NOT NULL, topic_id integer NOT NULL, notification_level integer, last_visited_at timestamp);
INSERT INTO topic_users VALUES (1, 1, 3, now()::timestamp - interval '1 day'), (1, 2, 3, now()::timestamp - interval '2 days'), (1, 3, 2, now()::timestamp), (2, 2, 3, now()::timestamp);

CREATE TABLE assignments (id integer NOT NULL, topic_id integer NOT NULL, assigned_to_id integer NOT NULL, assigned_to_type varchar NOT NULL);
INSERT INTO assignments VALUES (1, 1, 1, 'User'), (2, 2, 1, 'User'), (3, 2, 2, 'User'), (4, 5, 2, 'User'), (5, 4, 1, 'Group');

CREATE TABLE groups (id integer NOT NULL, name varchar NOT NULL);
INSERT INTO groups VALUES (1, 'staff'), (2, 'trust_level_0');
CREATE TABLE group_users (id integer NOT NULL, group_id integer NOT NULL, user_id integer NOT NULL, created_at timestamp NOT NULL);
INSERT INTO group_users VALUES (1, 1, 1, now()::timestamp - interval '300 days'), (2, 1, 5, now()::timestamp - interval '800 days'), (3, 2, 2, now()::timestamp - interval '100 days'), (4, 1, 3, now()::timestamp - interval '10 days');

CREATE TABLE polls (id integer NOT NULL, post_id integer, name varchar NOT NULL DEFAULT 'poll');
INSERT INTO polls VALUES (1, 1, 'poll'), (2, 1, 'second'), (3, 61, 'poll');
CREATE TABLE poll_options (id integer NOT NULL, poll_id integer, html text NOT NULL);
INSERT INTO poll_options VALUES (1, 1, 'Yes'), (2, 1, 'No'), (3, 2, 'Maybe'), (4, 3, 'Other');
CREATE TABLE poll_votes (poll_id integer, poll_option_id integer, user_id integer, rank integer NOT NULL DEFAULT 0, updated_at timestamp NOT NULL);
INSERT INTO poll_votes VALUES (1, 1, 2, 1, now()::timestamp - interval '4 days'), (1, 2, 2, 2, now()::timestamp - interval '4 days'),
  (1, 2, 3, 1, now()::timestamp - interval '3 days'), (2, 3, 1, 0, now()::timestamp - interval '2 days'), (3, 4, 1, 0, now()::timestamp - interval '1 days');

CREATE TABLE tags (id integer NOT NULL, name varchar(100) NOT NULL);
INSERT INTO tags VALUES (1, 'howto'), (2, 'bug'), (3, 'feature');
CREATE TABLE topic_tags (id integer NOT NULL, topic_id integer NOT NULL, tag_id integer NOT NULL, created_at timestamp NOT NULL);
INSERT INTO topic_tags VALUES
  (1, 1, 1, '2023-12-31 23:30:00'), (2, 2, 1, '2024-01-01 00:30:00'), (3, 2, 2, '2024-06-01 12:00:00'),
  (4, 4, 3, '2024-06-02 12:00:00'), (5, 1, 2, '2023-03-03 03:03:03');
