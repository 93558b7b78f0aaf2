-- The 24 TPC-DS tables the 99 queries read, with only the columns they read
-- (types as in TPC-DS), and about 34,000 deterministic rows (15,000 of them weekly
-- stock) generated so that the queries' joins and filters find rows: every day of
-- 1998–2002, a few stores, items and customers, and sales spread over them by
-- fixed strides. A few rows at the end are written out for the queries that look
-- for one rare thing (q31, q54, q58).
CREATE TABLE date_dim (d_date_sk integer PRIMARY KEY, d_date date, d_month_seq integer,
  d_week_seq integer, d_year integer, d_dow integer, d_moy integer, d_dom integer, d_qoy integer,
  d_day_name char(9), d_quarter_name char(6));
INSERT INTO date_dim
SELECT 2450815 + n, day::date, (extract(year FROM day)::int - 1900) * 12 + extract(month FROM day)::int - 1,
  -- Weeks start on Sunday (1998-01-04 is one), as TPC-DS's do.
  5000 + (n + 4) / 7, extract(year FROM day)::int, extract(dow FROM day)::int, extract(month FROM day)::int,
  extract(day FROM day)::int, extract(quarter FROM day)::int, trim(to_char(day, 'Day')),
  extract(year FROM day)::int || 'Q' || extract(quarter FROM day)::int
FROM generate_series(0, 1825) n, LATERAL (SELECT date '1998-01-01' + n AS day) d;

CREATE TABLE time_dim (t_time_sk integer PRIMARY KEY, t_time integer, t_hour integer, t_minute integer, t_meal_time char(20));
INSERT INTO time_dim SELECT m, m * 60, m / 60, m % 60,
  CASE WHEN m / 60 BETWEEN 6 AND 8 THEN 'breakfast' WHEN m / 60 BETWEEN 11 AND 13 THEN 'lunch'
       WHEN m / 60 BETWEEN 17 AND 19 THEN 'dinner' END
FROM generate_series(0, 1439) m;

CREATE TABLE item (i_item_sk integer PRIMARY KEY, i_item_id char(16) NOT NULL, i_item_desc varchar(200),
  i_current_price decimal(7,2), i_wholesale_cost decimal(7,2), i_brand_id integer, i_brand char(50),
  i_category_id integer, i_category char(50), i_class_id integer, i_class char(50), i_manufact_id integer,
  i_manufact char(50), i_manager_id integer, i_color char(20), i_units char(10), i_size char(20), i_product_name char(50));
INSERT INTO item
SELECT k, 'AAAAAAAA' || lpad(k::text, 8, '0'), 'item number ' || k,
  -- Within each category some items cost more than 1.2 times its average (q6);
  -- items 25 to 28 cost about a dollar and only sit in the warehouses (q21).
  CASE WHEN k > 24 THEN 0.99 + (k - 25) * 0.1 ELSE (k * 37 % 90) + 9.99 END, (k * 37 % 90) / 2.0 + 1,
  -- The classes and brands pair with the categories as q53 and q89 look for them.
  1000 + k % 6, (ARRAY['scholaramalgamalg #14', 'amalgimporto #1', 'exportiimporto #1', 'edu packscholar #1',
  'importoamalg #1', 'scholaramalgamalg #7'])[1 + k % 6],
  -- Items 25 to 28 are Sports and Jewelry, sold by catalog only (q40, q75).
  CASE WHEN k > 24 THEN 4 + k % 2 ELSE 1 + k % 3 END,
  CASE WHEN k > 24 THEN (ARRAY['Sports', 'Jewelry'])[1 + k % 2] ELSE (ARRAY['Books', 'Music', 'Children'])[1 + k % 3] END,
  1 + k % 4, CASE WHEN k > 24 AND k % 2 = 1 THEN 'consignment' ELSE (ARRAY['reference', 'classical', 'wallpaper', 'parenting'])[1 + k % 4] END,
  -- Two of each eight items come from the manufacturers q37 and q82 look for.
  CASE k % 8 WHEN 5 THEN 678 WHEN 7 THEN 129 ELSE (ARRAY[436, 269, 77])[1 + k % 3] END, 'manufact ' || k % 3, (ARRAY[1, 7, 36, 1])[1 + k % 4],
  (ARRAY['orchid', 'chiffon', 'lace', 'navajo', 'slate'])[1 + k % 5], (ARRAY['Each', 'Oz', 'Box', 'Lb'])[1 + k % 4],
  (ARRAY['medium', 'petite', 'large', 'N/A', 'small'])[1 + k % 5], 'product ' || k
FROM generate_series(1, 28) k;
-- An item of the kind q41 looks for; it sells only once in each channel (q58, below).
INSERT INTO item VALUES (29, 'AAAAAAAA00000029', 'item number 29', 45.00, 20.00, 1006, 'amalgamalg #6', 6, 'Women',
  1, 'dresses', 762, 'manufact 762', 5, 'orchid', 'Lb', 'medium', 'product 29');

CREATE TABLE customer_address (ca_address_sk integer PRIMARY KEY, ca_street_number char(10),
  ca_street_name varchar(60), ca_street_type char(15), ca_suite_number char(10), ca_city varchar(60),
  ca_county varchar(30), ca_state char(2), ca_zip char(10), ca_country varchar(20),
  ca_gmt_offset decimal(5,2), ca_location_type char(20));
INSERT INTO customer_address
SELECT k, k::text, 'Main ' || k % 7, 'Street', 'Suite ' || k % 3,
  (ARRAY['Hopewell', 'Midway', 'Fairview', 'Oakwood', 'Pleasant Hill'])[1 + k % 5],
  (ARRAY['Walker County', 'Richland County', 'Gaines County', 'Douglas County', 'Dona Ana County', 'Ziebach County'])[1 + k % 6],
  -- Half the addresses in IL, which q6 counts and q30 and q81 look for.
  CASE WHEN k % 2 = 0 THEN 'IL' ELSE (ARRAY['SD', 'CA', 'WA', 'GA', 'CO', 'MN', 'TX'])[1 + k / 2 % 7] END,
  -- Three zips in five are one of q8's, near store 4's, with more than ten preferred customers.
  (ARRAY['85669', '86197', '30868', '30868', '30868'])[1 + k % 5], 'United States', -5 - k % 4,
  (ARRAY['apartment', 'condo', 'single family'])[1 + k % 3]
FROM generate_series(1, 60) k;

CREATE TABLE customer_demographics (cd_demo_sk integer PRIMARY KEY, cd_gender char(1),
  cd_marital_status char(1), cd_education_status char(20), cd_purchase_estimate integer,
  cd_credit_rating char(10), cd_dep_count integer, cd_dep_employed_count integer, cd_dep_college_count integer);
INSERT INTO customer_demographics
SELECT k, (ARRAY['F', 'M'])[1 + k % 2], (ARRAY['W', 'S', 'M', 'D', 'U'])[1 + k % 5],
  CASE WHEN k = 2 THEN 'Unknown' ELSE (ARRAY['Primary', 'College', 'Secondary', 'Unknown'])[1 + k % 4] END, 500 * (1 + k % 4),
  (ARRAY['Good', 'Low Risk', 'High Risk'])[1 + k % 3], k % 7, k % 5, k % 3
FROM generate_series(1, 20) k;

CREATE TABLE income_band (ib_income_band_sk integer PRIMARY KEY, ib_lower_bound integer, ib_upper_bound integer);
INSERT INTO income_band SELECT k, (k - 1) * 10000 + 1, k * 10000 FROM generate_series(1, 20) k;

CREATE TABLE household_demographics (hd_demo_sk integer PRIMARY KEY, hd_income_band_sk integer,
  hd_buy_potential char(15), hd_dep_count integer, hd_vehicle_count integer);
INSERT INTO household_demographics
SELECT k, 1 + k % 10, CASE k WHEN 8 THEN '1001-5000' WHEN 4 THEN '0-500' ELSE (ARRAY['Unknown', '>10000', '5001-10000', '0-500'])[1 + k % 4] END,
  k % 10, k % 4
FROM generate_series(1, 10) k;

CREATE TABLE customer (c_customer_sk integer PRIMARY KEY, c_customer_id char(16) NOT NULL,
  c_current_cdemo_sk integer, c_current_hdemo_sk integer, c_current_addr_sk integer, c_salutation char(10), c_first_name char(20),
  c_last_name char(30), c_preferred_cust_flag char(1), c_birth_day integer, c_birth_month integer,
  c_birth_year integer, c_birth_country varchar(20), c_login char(13), c_email_address char(50),
  c_last_review_date_sk integer, c_first_sales_date_sk integer, c_first_shipto_date_sk integer);
INSERT INTO customer
SELECT k, 'CUST' || lpad(k::text, 12, '0'), 1 + k * 7 % 20, 1 + k % 10, 1 + k * 11 % 60,
  (ARRAY['Mr.', 'Ms.', 'Dr.'])[1 + k % 3], 'First' || k, 'Last' || k, (ARRAY['Y', 'N'])[1 + k % 2],
  -- One customer in four was born abroad (q24).
  1 + k % 28, 1 + k % 12, 1950 + k % 40, CASE WHEN k % 4 = 2 THEN 'CANADA' ELSE 'UNITED STATES' END, 'login' || k, 'c' || k || '@example.com',
  2452000 + k, 2450815 + k * 29, 2450845 + k * 29
FROM generate_series(1, 60) k;

CREATE TABLE store (s_store_sk integer PRIMARY KEY, s_store_id char(16), s_store_name varchar(50),
  s_number_employees integer, s_company_id integer, s_company_name varchar(50), s_street_number varchar(10),
  s_street_name varchar(60), s_street_type char(15), s_suite_number char(10), s_city varchar(60),
  s_county varchar(30), s_state char(2), s_zip char(10), s_gmt_offset decimal(5,2), s_market_id integer);
INSERT INTO store VALUES
  (1, 'AAAAAAAABAAAAAAA', 'ese', 245, 1, 'Unknown', '767', 'Spring', 'Wy', 'Suite 250', 'Midway', 'Williamson County', 'SD', '85669', -5, 7),
  (2, 'AAAAAAAACAAAAAAA', 'ought', 236, 1, 'Unknown', '255', 'Sycamore', 'Dr.', 'Suite 410', 'Oakland', 'Barrow County', 'SD', '30868', -6, 7),
  (3, 'AAAAAAAAEAAAAAAA', 'able', 218, 1, 'Unknown', '27', 'Lake', 'Ln', 'Suite 260', 'Riverside', 'Ziebach County', 'TN', '37001', -7, 7),
  (4, 'AAAAAAAAHAAAAAAA', 'bar', 300, 1, 'Unknown', '877', 'Park Laurel', 'Road', 'Suite T', 'Union', 'Daviess County', 'GA', '30301', -6, 9);

CREATE TABLE promotion (p_promo_sk integer PRIMARY KEY, p_channel_dmail char(1), p_channel_email char(1),
  p_channel_tv char(1), p_channel_event char(1));
INSERT INTO promotion SELECT k, (ARRAY['N', 'Y'])[1 + k % 2], (ARRAY['Y', 'N'])[1 + k % 2], 'N', (ARRAY['Y', 'N', 'Y'])[1 + k % 3]
FROM generate_series(1, 5) k;

CREATE TABLE reason (r_reason_sk integer PRIMARY KEY, r_reason_desc char(100));
INSERT INTO reason VALUES (1, 'Package was damaged'), (2, 'Did not like the warranty'),
  (3, 'Found a better price'), (4, 'Stopped working'), (5, 'Did not fit');

-- Prices have cents, as sums of products in floating point would show. Item 24
-- sells rarely and cheaply, so some store earns less than a tenth of its
-- average revenue on it (q65).
CREATE TABLE store_sales (ss_sold_date_sk integer, ss_sold_time_sk integer, ss_item_sk integer NOT NULL,
  ss_customer_sk integer, ss_cdemo_sk integer, ss_hdemo_sk integer, ss_store_sk integer,
  ss_addr_sk integer, ss_promo_sk integer, ss_ticket_number integer NOT NULL, ss_quantity integer,
  ss_wholesale_cost decimal(7,2), ss_list_price decimal(7,2), ss_sales_price decimal(7,2),
  ss_ext_discount_amt decimal(7,2), ss_ext_sales_price decimal(7,2), ss_ext_wholesale_cost decimal(7,2),
  ss_ext_list_price decimal(7,2), ss_ext_tax decimal(7,2),
  ss_coupon_amt decimal(7,2), ss_net_paid decimal(7,2), ss_net_profit decimal(7,2));
INSERT INTO store_sales
SELECT 2450815 + k * 7919 % 1826, k * 97 % 1440, item, 1 + k * 13 % 60, 1 + k * 11 % 20,
  -- Some sales name no household (q44).
  CASE WHEN k % 53 = 0 THEN NULL ELSE 1 + k % 10 END,
  1 + k % 4, CASE WHEN k % 89 = 0 THEN NULL ELSE 1 + k * 3 % 60 END, 1 + k % 5, k, 1 + k % 10, price * 0.6,
  20 + k % 30, price, k % 3, (1 + k % 10) * price, (1 + k % 10) * price * 0.6,
  (1 + k % 10) * (20 + k % 30) * (1 + k * 7 % 11 / 20.0), (1 + k % 10) * price * 0.08, k % 5, (1 + k % 10) * price - k % 5,
  (1 + k % 10) * price * 0.4 - k % 5
FROM generate_series(1, 6000) k,
  LATERAL (SELECT CASE WHEN k % 97 = 0 THEN 24 ELSE 1 + k * 7 % 23 END AS item,
                  CASE WHEN k % 97 = 0 THEN 1.00 ELSE 10 + k % 50 + k % 7 * 0.11 END AS price) p;
-- One ticket of twenty lines, five of each of items 1 to 4, on 2000-01-02 (q34), which
-- makes its customer, who buys item 3 from the catalog in January 1999, the best (q23).
INSERT INTO store_sales
SELECT 2451546, 600, 1 + j % 4, 47, 1 + j, 5, 3, 47, 1, 6001, 10, 24.00, 45.00, 40.00, 0, 400.00, 240.00, 450.00,
  32.00, 0, 400.00, 160.00
FROM generate_series(1, 20) j;

CREATE TABLE store_returns (sr_returned_date_sk integer, sr_item_sk integer NOT NULL, sr_customer_sk integer,
  sr_cdemo_sk integer,
  sr_store_sk integer, sr_reason_sk integer, sr_ticket_number integer NOT NULL, sr_return_quantity integer,
  sr_return_amt decimal(7,2), sr_fee decimal(7,2), sr_net_loss decimal(7,2));
INSERT INTO store_returns
SELECT least(ss_sold_date_sk + 10, 2452640), ss_item_sk, ss_customer_sk, 1 + ss_ticket_number / 5 % 20, ss_store_sk,
  1 + ss_ticket_number / 5 % 5, ss_ticket_number, 1, ss_sales_price,
  -- A third of the customers return much more than the others at their store (q1).
  CASE WHEN ss_customer_sk % 3 = 0 THEN 40 ELSE 1 + ss_ticket_number * 7 % 23 END, ss_sales_price / 4
FROM store_sales WHERE ss_ticket_number % 5 = 0;

-- Customers 51 to 60 buy in stores only: catalog sales ship to, and web sales
-- bill, the first fifty (q69 looks for store-only customers). An order has two
-- lines, shipped from two warehouses five days after the sale (q16, q94).
CREATE TABLE catalog_sales (cs_sold_date_sk integer, cs_sold_time_sk integer, cs_ship_date_sk integer,
  cs_ship_customer_sk integer, cs_bill_customer_sk integer, cs_bill_cdemo_sk integer, cs_bill_addr_sk integer,
  cs_ship_addr_sk integer, cs_bill_hdemo_sk integer, cs_call_center_sk integer, cs_catalog_page_sk integer, cs_ship_mode_sk integer,
  cs_warehouse_sk integer, cs_item_sk integer NOT NULL, cs_promo_sk integer, cs_order_number integer NOT NULL,
  cs_quantity integer, cs_wholesale_cost decimal(7,2), cs_list_price decimal(7,2), cs_sales_price decimal(7,2),
  cs_ext_discount_amt decimal(7,2),
  cs_ext_sales_price decimal(7,2), cs_ext_wholesale_cost decimal(7,2), cs_ext_list_price decimal(7,2),
  cs_coupon_amt decimal(7,2), cs_ext_ship_cost decimal(7,2), cs_net_paid decimal(7,2),
  cs_net_paid_inc_ship_tax decimal(7,2), cs_net_profit decimal(7,2));
INSERT INTO catalog_sales
SELECT 2450815 + k * 4099 % 1826, k * 53 % 1440, 2450820 + k * 4099 % 1826 + k % 3, 1 + k * 17 % 50, 1 + k * 19 % 60,
  1 + k * 3 % 20, 1 + k * 19 % 60, 1 + k * 7 % 60, 1 + k % 10, 1 + k % 3, 1 + k % 10, 1 + k % 4,
  -- Some lines name no warehouse (q76).
  -- One line in thirteen sells one of the cheap items 25 to 28 (q40).
  CASE WHEN k % 83 = 0 THEN NULL ELSE 1 + k % 2 END, CASE WHEN k % 13 = 0 THEN 25 + k / 13 % 4 ELSE 1 + k * 5 % 24 END,
  1 + k % 5, (k + 1) / 2, 1 + k % 8,
  8 + k % 20, 30 + k % 20, CASE WHEN k % 41 = 0 THEN 600 ELSE 15 + k % 40 END, CASE WHEN k % 7 = 0 THEN 50 ELSE k % 10 END,
  (1 + k % 8) * (15 + k % 40 + k % 3 * 0.25), (1 + k % 8) * (8 + k % 20), (1 + k % 8) * (30 + k % 20),
  k % 4, 2 + k % 9, (1 + k % 8) * (15 + k % 40 + k % 3 * 0.25) - k % 4,
  ((1 + k % 8) * (15 + k % 40 + k % 3 * 0.25) - k % 4 + 2 + k % 9) * 1.08, (1 + k % 8) * (k % 13 - 4)
FROM generate_series(1, 3000) k;

-- A return names an order and the item of its first line, one in seven its second
-- line's (q80 and q64 join them).
CREATE TABLE catalog_returns (cr_returned_date_sk integer, cr_item_sk integer NOT NULL, cr_returning_customer_sk integer,
  cr_returning_addr_sk integer, cr_call_center_sk integer, cr_catalog_page_sk integer, cr_order_number integer NOT NULL,
  cr_return_quantity integer, cr_return_amount decimal(7,2), cr_return_amt_inc_tax decimal(7,2),
  cr_refunded_cash decimal(7,2), cr_reversed_charge decimal(7,2), cr_store_credit decimal(7,2), cr_net_loss decimal(7,2));
INSERT INTO catalog_returns
SELECT 2450815 + k * 613 % 1826, 1 + (2 * (1 + k * 7 % 1500) - 1 + (k % 7 = 0)::int) * 5 % 24, 1 + k * 23 % 60, 1 + k * 29 % 60, 1 + k % 3,
  1 + k % 10, 1 + k * 7 % 1500,
  1 + k % 4, 4 + k * 31 % 97, 5 + k * 31 % 97, (4 + k * 31 % 97) / 2.0, k % 3, k % 5, 1 + k % 6
FROM generate_series(1, 1200) k;

CREATE TABLE catalog_page (cp_catalog_page_sk integer PRIMARY KEY, cp_catalog_page_id char(16) NOT NULL);
INSERT INTO catalog_page SELECT k, 'AAAAAAAAPAGE' || lpad(k::text, 4, '0') FROM generate_series(1, 10) k;

CREATE TABLE call_center (cc_call_center_sk integer PRIMARY KEY, cc_call_center_id char(16) NOT NULL,
  cc_name varchar(50), cc_manager varchar(40), cc_county varchar(30));
INSERT INTO call_center VALUES (1, 'AAAAAAAABAAAAAAA', 'NY Metro', 'Bob Belcher', 'Williamson County'),
  (2, 'AAAAAAAACAAAAAAA', 'Mid Atlantic', 'Felipe Perkins', 'Barrow County'),
  (3, 'AAAAAAAAEAAAAAAA', 'North Midwest', 'Mark Hightower', 'Daviess County');

CREATE TABLE ship_mode (sm_ship_mode_sk integer PRIMARY KEY, sm_type char(30), sm_carrier char(20));
INSERT INTO ship_mode VALUES (1, 'EXPRESS', 'DIAMOND'), (2, 'OVERNIGHT', 'UPS'), (3, 'REGULAR', 'AIRBORNE'),
  (4, 'TWO DAY', 'FEDEX');

CREATE TABLE web_sales (ws_sold_date_sk integer, ws_sold_time_sk integer, ws_ship_date_sk integer,
  ws_item_sk integer NOT NULL, ws_bill_customer_sk integer, ws_bill_addr_sk integer, ws_ship_hdemo_sk integer,
  ws_ship_addr_sk integer, ws_web_page_sk integer, ws_web_site_sk integer, ws_ship_mode_sk integer, ws_promo_sk integer,
  ws_warehouse_sk integer, ws_order_number integer NOT NULL, ws_quantity integer, ws_wholesale_cost decimal(7,2),
  ws_list_price decimal(7,2), ws_sales_price decimal(7,2),
  ws_ext_discount_amt decimal(7,2), ws_ext_sales_price decimal(7,2), ws_ext_wholesale_cost decimal(7,2),
  ws_ext_list_price decimal(7,2), ws_ext_ship_cost decimal(7,2), ws_net_paid decimal(7,2),
  ws_net_paid_inc_tax decimal(7,2), ws_net_profit decimal(7,2));
INSERT INTO web_sales
SELECT 2450815 + k * 3001 % 1826, k * 41 % 1440, 2450820 + k * 3001 % 1826, 1 + k * 11 % 24, 1 + k * 7 % 50,
  1 + k * 7 % 50, 1 + k % 10, 1 + k * 13 % 60,
  -- Some sales name no web page (q76).
  CASE WHEN k % 79 = 0 THEN NULL ELSE 1 + k % 6 END, 1 + k % 3, 1 + k % 4, 1 + k % 5, 1 + k % 2, (k + 1) / 2,
  1 + k % 3, 2 + k % 30, 6 + k % 61, 5 + k % 60,
  CASE WHEN k % 6 = 0 THEN 40 ELSE k % 9 END, (5 + k % 60) * (1 + k % 3), (2 + k % 30) * (1 + k % 3),
  (6 + k % 61) * (1 + k % 3) * (1 + k * 3 % 7 / 10.0), 1 + k % 7, (5 + k % 60) * (1 + k % 3) - k % 9,
  ((5 + k % 60) * (1 + k % 3) - k % 9) * 1.07,
  (5 + k % 60) * (k % 5 - 1)
FROM generate_series(1, 3000) k;

-- A return names the order and item it returns (q5 joins them to web_sales). One in
-- sixty is refunded to a divorced customer with primary education in Georgia, for
-- a sale of 50 to 100 dollars with a profit of 100 to 200 (q85).
CREATE TABLE web_returns (wr_returned_date_sk integer, wr_item_sk integer NOT NULL, wr_refunded_cdemo_sk integer,
  wr_refunded_addr_sk integer, wr_returning_customer_sk integer, wr_returning_cdemo_sk integer,
  wr_returning_addr_sk integer, wr_web_page_sk integer, wr_reason_sk integer, wr_order_number integer NOT NULL,
  wr_return_quantity integer, wr_return_amt decimal(7,2), wr_fee decimal(7,2), wr_refunded_cash decimal(7,2),
  wr_net_loss decimal(7,2));
INSERT INTO web_returns
SELECT 2450815 + k * 389 % 1826, 1 + (2 * k - 1) * 11 % 24, 1 + k % 20, 1 + k * 18 % 60, 1 + k * 37 % 60, 1 + k % 20,
  1 + k * 41 % 60, 1 + k % 6, 1 + k % 5, k, 1 + k % 3, 3 + k * 43 % 89, 0.5 + k % 5, (3 + k * 43 % 89) * 0.8, 1 + k % 4
FROM generate_series(1, 1200) k;

CREATE TABLE web_site (web_site_sk integer PRIMARY KEY, web_site_id char(16) NOT NULL, web_name varchar(50),
  web_company_name char(50));
INSERT INTO web_site VALUES (1, 'AAAAAAAABAAAAAAA', 'site_0', 'pri'), (2, 'AAAAAAAACAAAAAAA', 'site_1', 'ought'),
  (3, 'AAAAAAAAEAAAAAAA', 'site_2', 'pri');

CREATE TABLE web_page (wp_web_page_sk integer PRIMARY KEY, wp_char_count integer);
INSERT INTO web_page SELECT k, 4900 + k * 50 FROM generate_series(1, 6) k;

CREATE TABLE warehouse (w_warehouse_sk integer PRIMARY KEY, w_warehouse_name varchar(20), w_warehouse_sq_ft integer,
  w_city varchar(60), w_county varchar(30), w_state char(2), w_country varchar(20));
INSERT INTO warehouse VALUES (1, 'Conventional childr', 977787, 'Fairview', 'Williamson County', 'TN', 'United States'),
  (2, 'Important issues liv', 138504, 'Midway', 'Barrow County', 'SD', 'United States');

-- Every item's stock in both warehouses, once a week. Item 2 is out of stock three
-- weeks in four, so its stock varies by more than its mean (q39) and is short of
-- catalog orders (q72).
CREATE TABLE inventory (inv_date_sk integer NOT NULL, inv_item_sk integer NOT NULL,
  inv_warehouse_sk integer NOT NULL, inv_quantity_on_hand integer);
INSERT INTO inventory
SELECT 2450815 + week * 7, item, w, CASE WHEN item = 2 AND week % 4 <> 0 THEN 0 ELSE 40 + (item * 7 + week * 3 + w) % 80 END
FROM generate_series(0, 260) week, generate_series(1, 28) item, generate_series(1, 2) w;

-- Item 29 sells once in each channel on 1998-02-19, for the same revenue (q58).
INSERT INTO store_sales (ss_sold_date_sk, ss_sold_time_sk, ss_item_sk, ss_customer_sk, ss_cdemo_sk, ss_hdemo_sk,
  ss_store_sk, ss_addr_sk, ss_promo_sk, ss_ticket_number, ss_quantity, ss_wholesale_cost, ss_list_price,
  ss_sales_price, ss_ext_sales_price, ss_net_paid, ss_net_profit)
VALUES (2450864, 720, 29, 5, 5, 5, 1, 5, 1, 6002, 2, 20.00, 45.00, 45.00, 90.00, 90.00, 50.00);
INSERT INTO catalog_sales (cs_sold_date_sk, cs_sold_time_sk, cs_ship_date_sk, cs_bill_customer_sk, cs_item_sk,
  cs_order_number, cs_quantity, cs_sales_price, cs_ext_sales_price, cs_net_paid, cs_net_profit)
VALUES (2450864, 720, 2450869, 5, 29, 1501, 2, 45.00, 90.00, 90.00, 50.00);
INSERT INTO web_sales (ws_sold_date_sk, ws_sold_time_sk, ws_ship_date_sk, ws_item_sk, ws_bill_customer_sk,
  ws_order_number, ws_quantity, ws_sales_price, ws_ext_sales_price, ws_net_paid, ws_net_profit)
VALUES (2450864, 720, 2450869, 29, 5, 1501, 2, 45.00, 90.00, 90.00, 50.00);

-- Customer 61 lives in store 1's county and state, buys Jewelry from the catalog in
-- March 1999 and then in store 1 in May (q54).
INSERT INTO customer_address VALUES (61, '61', 'Main 5', 'Street', 'Suite 1', 'Midway', 'Williamson County', 'SD',
  '85669', 'United States', -5, 'condo');
INSERT INTO customer VALUES (61, 'CUST000000000061', 1, 1, 61, 'Ms.', 'First61', 'Last61', 'N', 2, 2, 1961,
  'UNITED STATES', 'login61', 'c61@example.com', 2452061, 2450815, 2450845);
INSERT INTO catalog_sales (cs_sold_date_sk, cs_sold_time_sk, cs_ship_date_sk, cs_bill_customer_sk, cs_item_sk,
  cs_order_number, cs_quantity, cs_sales_price, cs_ext_sales_price, cs_net_paid, cs_net_profit)
VALUES (2451253, 600, 2451258, 61, 25, 1502, 1, 1.00, 1.00, 1.00, 0.20);
INSERT INTO store_sales (ss_sold_date_sk, ss_sold_time_sk, ss_item_sk, ss_customer_sk, ss_cdemo_sk, ss_hdemo_sk,
  ss_store_sk, ss_addr_sk, ss_promo_sk, ss_ticket_number, ss_quantity, ss_wholesale_cost, ss_list_price,
  ss_sales_price, ss_ext_sales_price, ss_net_paid, ss_net_profit)
VALUES (2451309, 660, 7, 61, 1, 1, 1, 61, 1, 6003, 3, 12.00, 30.00, 25.00, 75.00, 75.00, 39.00);

-- A large web sale in Dona Ana County in the third quarter of 2000, so its web sales
-- grow faster than its store sales two quarters running (q31).
INSERT INTO web_sales (ws_sold_date_sk, ws_sold_time_sk, ws_ship_date_sk, ws_item_sk, ws_bill_customer_sk,
  ws_bill_addr_sk, ws_order_number, ws_quantity, ws_sales_price, ws_ext_sales_price, ws_net_paid, ws_net_profit)
VALUES (2451772, 900, 2451777, 5, 4, 4, 1503, 10, 40.00, 400.00, 400.00, 120.00);
