"""The tests of logistics/tours: distances, the solver, collection and distribution tours,
vehicles.
"""
