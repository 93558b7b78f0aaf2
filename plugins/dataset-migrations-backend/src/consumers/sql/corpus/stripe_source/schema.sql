-- Three of the Stripe connector's tables as Fivetran lands them, with the columns
-- the package's column macros (macros/get_*_columns.sql) name and rows of our own
-- (the package's integration_tests/seeds are not copied). Sources say
-- `schema: stripe` (a var); the harness keeps the tables in its own schema.
CREATE TABLE balance_transaction (
  id text, _fivetran_synced timestamp, amount integer, available_on timestamp,
  connected_account_id text, created timestamp, currency text, description text,
  exchange_rate double precision, fee integer, net integer, payout_id text,
  reporting_category text, source text, status text, type text);
INSERT INTO balance_transaction VALUES
  ('txn_1', '2024-05-02 00:00', 2000, '2024-05-03 00:00', null, '2024-05-01 10:00', 'usd', 'order 1', null, 88, 1912, 'po_1', 'charge', 'ch_1', 'available', 'charge'),
  ('txn_2', '2024-05-02 00:00', 1550, '2024-05-04 00:00', 'acct_2', '2024-05-02 11:30', 'eur', 'order 2', 1.08, 75, 1475, 'po_1', 'charge', 'ch_2', 'available', 'charge'),
  ('txn_3', '2024-05-06 00:00', -500, '2024-05-06 00:00', null, '2024-05-05 09:15', 'usd', null, null, 0, -500, null, 'refund', 're_1', 'pending', 'refund');

CREATE TABLE payout (
  id text, _fivetran_synced timestamp, amount integer, arrival_date timestamp,
  automatic boolean, balance_transaction_id text, connected_account_id text,
  created timestamp, currency text, description text,
  destination_bank_account_id text, destination_card_id text,
  failure_balance_transaction_id text, failure_code text, failure_message text,
  livemode boolean, metadata text, method text, source_type text,
  statement_descriptor text, status text, type text);
INSERT INTO payout VALUES
  ('po_1', '2024-05-08 00:00', 3387, '2024-05-09 00:00', true, 'txn_9', null, '2024-05-07 00:00', 'usd', 'STRIPE PAYOUT', 'ba_1', null, null, null, null, true, '{}', 'standard', 'card', null, 'paid', 'bank_account'),
  ('po_2', '2024-05-15 00:00', 1200, '2024-05-16 00:00', false, 'txn_10', null, '2024-05-14 00:00', 'usd', null, 'ba_1', null, null, null, null, true, '{"k":"v"}', 'instant', 'card', 'ACME', 'in_transit', 'bank_account'),
  ('po_3', '2024-05-15 00:00', 99, '2024-05-16 00:00', true, 'txn_11', null, '2024-05-14 00:00', 'usd', 'test', null, null, null, null, null, false, '{}', 'standard', 'card', null, 'paid', 'bank_account');

CREATE TABLE customer (
  id text, _fivetran_synced timestamp, account_balance integer,
  address_city text, address_country text, address_line_1 text,
  address_line_2 text, address_postal_code text, address_state text,
  balance integer, bank_account_id text, created timestamp, currency text,
  default_card_id text, delinquent boolean, description text, email text,
  invoice_prefix text, invoice_settings_default_payment_method text,
  invoice_settings_footer text, is_deleted boolean, livemode boolean,
  metadata text, name varchar(100), phone text, shipping_address_city text,
  shipping_address_country text, shipping_address_line_1 text,
  shipping_address_line_2 text, shipping_address_postal_code text,
  shipping_address_state text, shipping_carrier text, shipping_name text,
  shipping_phone text, shipping_tracking_number text, source_id text,
  tax_exempt text, tax_info_tax_id text, tax_info_type text,
  tax_info_verification_status text, tax_info_verification_verified_name text);
INSERT INTO customer (id, _fivetran_synced, account_balance, address_city, address_country, balance, created, currency, delinquent, email, is_deleted, livemode, metadata, name, shipping_name) VALUES
  ('cus_1', '2024-05-01 00:00', 0, 'Berlin', 'DE', 0, '2024-04-01 08:00', 'eur', false, 'a@example.com', null, true, '{}', 'Ada', 'Ada'),
  ('cus_2', '2024-05-01 00:00', -300, 'Austin', 'US', -300, '2024-04-02 09:00', 'usd', true, 'b@example.com', false, true, '{}', 'Bo', null),
  ('cus_3', '2024-05-01 00:00', 0, 'Lyon', 'FR', 0, '2024-04-03 10:00', 'eur', false, null, true, false, '{}', 'Cy', null);
