-- The eight TPC-H tables with about 2,500 deterministic rows, generated so that
-- every query's joins and filters find rows (nations, regions and names as in TPC-H).
CREATE TABLE region (r_regionkey integer PRIMARY KEY, r_name varchar(25) NOT NULL, r_comment varchar(152));
INSERT INTO region VALUES
  (0, 'AFRICA', 'r0'), (1, 'AMERICA', 'r1'), (2, 'ASIA', 'r2'), (3, 'EUROPE', 'r3'), (4, 'MIDDLE EAST', 'r4');

CREATE TABLE nation (n_nationkey integer PRIMARY KEY, n_name varchar(25) NOT NULL, n_regionkey integer NOT NULL, n_comment varchar(152));
INSERT INTO nation VALUES
  (0, 'ALGERIA', 0, 'n'), (1, 'ARGENTINA', 1, 'n'), (2, 'BRAZIL', 1, 'n'), (3, 'CANADA', 1, 'n'),
  (4, 'EGYPT', 4, 'n'), (5, 'ETHIOPIA', 0, 'n'), (6, 'FRANCE', 3, 'n'), (7, 'GERMANY', 3, 'n'),
  (8, 'INDIA', 2, 'n'), (9, 'INDONESIA', 2, 'n'), (10, 'IRAN', 4, 'n'), (11, 'IRAQ', 4, 'n'),
  (12, 'JAPAN', 2, 'n'), (13, 'JORDAN', 4, 'n'), (14, 'KENYA', 0, 'n'), (15, 'MOROCCO', 0, 'n'),
  (16, 'MOZAMBIQUE', 0, 'n'), (17, 'PERU', 1, 'n'), (18, 'CHINA', 2, 'n'), (19, 'ROMANIA', 3, 'n'),
  (20, 'SAUDI ARABIA', 4, 'n'), (21, 'VIETNAM', 2, 'n'), (22, 'RUSSIA', 3, 'n'),
  (23, 'UNITED KINGDOM', 3, 'n'), (24, 'UNITED STATES', 1, 'n');

CREATE TABLE supplier (s_suppkey integer PRIMARY KEY, s_name varchar(25) NOT NULL, s_address varchar(40) NOT NULL,
  s_nationkey integer NOT NULL, s_phone varchar(15) NOT NULL, s_acctbal numeric(15,2) NOT NULL, s_comment varchar(101) NOT NULL);
INSERT INTO supplier
SELECT k, 'Supplier#' || lpad(k::text, 9, '0'), 'addr ' || k,
  -- One per nation, then more in KENYA and ARGENTINA, which q20 and q21 look for.
  CASE WHEN k <= 25 THEN k - 1 WHEN k % 2 = 0 THEN 14 ELSE 1 END,
  (10 + k % 25)::text || '-555-' || lpad(k::text, 4, '0'), (k * 137 % 10000) / 1.0 - 999,
  CASE WHEN k % 5 = 0 THEN 'wary Customer pinto Complaints' ELSE 'quiet deposits' END
FROM generate_series(1, 50) k;

CREATE TABLE part (p_partkey integer PRIMARY KEY, p_name varchar(55) NOT NULL, p_mfgr varchar(25) NOT NULL,
  p_brand varchar(10) NOT NULL, p_type varchar(25) NOT NULL, p_size integer NOT NULL,
  p_container varchar(10) NOT NULL, p_retailprice numeric(15,2) NOT NULL, p_comment varchar(23) NOT NULL);
INSERT INTO part
SELECT k,
  (ARRAY['blanched almond', 'moccasin linen', 'dark green', 'forest moccasin', 'blanched lace', 'misty rose', 'navy plum', 'blanched moccasin', 'pale snow', 'khaki tan', 'olive drab'])[1 + k % 11],
  'Manufacturer#' || (1 + k % 5),
  (ARRAY['Brand#13', 'Brand#14', 'Brand#21', 'Brand#42', 'Brand#52'])[1 + k % 5],
  (ARRAY['LARGE PLATED STEEL', 'PROMO BRUSHED TIN', 'ECONOMY ANODIZED TIN', 'SMALL PLATED COPPER', 'STANDARD POLISHED BRASS', 'PROMO PLATED STEEL', 'MEDIUM BURNISHED TIN'])[1 + k % 7],
  (ARRAY[48, 5, 14, 1, 10, 15, 31, 6, 3])[1 + k % 9],
  (ARRAY['SM CASE', 'MED BAG', 'LG BAG', 'LG CASE', 'SM BOX', 'MED BOX', 'LG BOX', 'SM PACK'])[1 + k % 8],
  900 + k, 'c' || k
FROM generate_series(1, 120) k;

CREATE TABLE partsupp (ps_partkey integer NOT NULL, ps_suppkey integer NOT NULL, ps_availqty integer NOT NULL,
  ps_supplycost numeric(15,2) NOT NULL, ps_comment varchar(199) NOT NULL, PRIMARY KEY (ps_partkey, ps_suppkey));
INSERT INTO partsupp
SELECT k, (k * 3 + j * 11) % 50 + 1, (k * 31 + j * 17) % 90 + 5, (k * 7 + j * 13) % 100 + 1.5, 'ps'
FROM generate_series(1, 120) k, generate_series(0, 3) j;

CREATE TABLE customer (c_custkey integer PRIMARY KEY, c_name varchar(25) NOT NULL, c_address varchar(40) NOT NULL,
  c_nationkey integer NOT NULL, c_phone varchar(15) NOT NULL, c_acctbal numeric(15,2) NOT NULL,
  c_mktsegment varchar(10) NOT NULL, c_comment varchar(117) NOT NULL);
INSERT INTO customer
SELECT k, 'Customer#' || lpad(k::text, 9, '0'), 'street ' || k, k % 25,
  (10 + k % 25)::text || '-555-' || lpad(k::text, 4, '0'), (k * 7919 % 10000) / 1.0 - 1000,
  (ARRAY['BUILDING', 'AUTOMOBILE', 'MACHINERY', 'HOUSEHOLD', 'FURNITURE'])[1 + k % 5], 'cc' || k
FROM generate_series(1, 50) k;

-- As in TPC-H, a third of the customers (custkey divisible by 3) have no orders.
CREATE TABLE orders (o_orderkey integer PRIMARY KEY, o_custkey integer NOT NULL, o_orderstatus char(1) NOT NULL,
  o_totalprice numeric(15,2) NOT NULL, o_orderdate date NOT NULL, o_orderpriority varchar(15) NOT NULL,
  o_clerk varchar(15) NOT NULL, o_shippriority integer NOT NULL, o_comment varchar(79) NOT NULL);
INSERT INTO orders
SELECT k, CASE WHEN c % 3 = 0 THEN c + 1 ELSE c END, (ARRAY['F', 'O', 'P'])[1 + k % 3],
  1000 + k * 13.5, date '1992-01-01' + (k * 4 % 2400),
  (ARRAY['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'])[1 + k % 5],
  'Clerk#' || (k % 10), k % 2,
  CASE WHEN k % 7 = 0 THEN 'special express requests' ELSE 'regular deposits' END
FROM generate_series(1, 600) k, LATERAL (SELECT 1 + (k * 7) % 50 AS c) AS cust;

CREATE TABLE lineitem (l_orderkey integer NOT NULL, l_partkey integer NOT NULL, l_suppkey integer NOT NULL,
  l_linenumber integer NOT NULL, l_quantity numeric(15,2) NOT NULL, l_extendedprice numeric(15,2) NOT NULL,
  l_discount numeric(15,2) NOT NULL, l_tax numeric(15,2) NOT NULL, l_returnflag char(1) NOT NULL,
  l_linestatus char(1) NOT NULL, l_shipdate date NOT NULL, l_commitdate date NOT NULL, l_receiptdate date NOT NULL,
  l_shipinstruct varchar(25) NOT NULL, l_shipmode varchar(10) NOT NULL, l_comment varchar(44) NOT NULL,
  PRIMARY KEY (l_orderkey, l_linenumber));
INSERT INTO lineitem
SELECT o.o_orderkey, p.partkey, (p.partkey * 3 + (n % 4) * 11) % 50 + 1, n, q.qty, q.qty * (900 + p.partkey),
  ((o.o_orderkey + n) % 11) / 100.0, ((o.o_orderkey * n) % 9) / 100.0,
  (ARRAY['R', 'A', 'N'])[1 + (o.o_orderkey + n) % 3], (ARRAY['O', 'F'])[1 + o.o_orderkey % 2],
  o.o_orderdate + n * 11 + o.o_orderkey % 30, o.o_orderdate + 40 + (o.o_orderkey * 3) % 20,
  o.o_orderdate + n * 11 + o.o_orderkey % 30 + 1 + (o.o_orderkey + n) % 20,
  (ARRAY['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[1 + (o.o_orderkey + n * 3) % 4],
  (ARRAY['AIR', 'AIR REG', 'FOB', 'SHIP', 'RAIL', 'TRUCK', 'MAIL'])[1 + (o.o_orderkey * n) % 7], 'l'
FROM orders o, generate_series(1, 1 + o.o_orderkey % 4) n,
  LATERAL (SELECT 1 + (o.o_orderkey * 7 + n * 13) % 120 AS partkey) p,
  LATERAL (SELECT CASE WHEN o.o_orderkey % 50 = 0 THEN 120 ELSE 1 + (o.o_orderkey * n * 7) % 50 END AS qty) q;
