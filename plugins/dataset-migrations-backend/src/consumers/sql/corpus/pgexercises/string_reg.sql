select memid, telephone from members where telephone ~ '[()]';
