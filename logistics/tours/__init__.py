"""Tours of a hub's vehicle: the evening collection into the hub and the morning distribution
of its stock to the associations, proposed by the rules and the routing solver, adjusted and
confirmed by the coordinators, then recorded stop by stop by the driver."""
