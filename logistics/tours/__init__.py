"""Tours: a vehicle and a driver doing ordered stops, store pickups into the hub in the evening
(collection) and the hub's stock out to associations in the morning (distribution), ordered by
a vehicle-routing solver and held like claims once confirmed."""
