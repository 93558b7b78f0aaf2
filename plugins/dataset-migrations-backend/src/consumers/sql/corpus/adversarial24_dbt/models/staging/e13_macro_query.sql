with lines as ({{ order_lines() }})
select order_id, qty, dollars from lines
