SELECT id, sum(price) OVER w AS run, lag(name) OVER w AS prev FROM t WINDOW w AS (ORDER BY n, id) ORDER BY id;
