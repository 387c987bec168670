"""The morning distribution of a hub's stock: the lots placed by the allocation rule, the tour
the solver orders, what coordinators adjust and confirm, and what its driver records.
"""
