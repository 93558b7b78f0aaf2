UPDATE orders SET qty = qty WHERE id <= 3 RETURNING id, cust, amount;
