SELECT i.description_of_the_item_as_entered_by_the_merchant_at_listing_time, i.id FROM items i ORDER BY i.id;
