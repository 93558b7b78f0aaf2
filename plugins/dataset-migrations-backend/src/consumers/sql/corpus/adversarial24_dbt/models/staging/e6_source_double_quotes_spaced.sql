select id, qty, status from {{source( "shop" , "orders" )}}
