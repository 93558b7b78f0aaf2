select * from quadtable;
