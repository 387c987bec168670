"""The tests of logistics/pickups: claims and their races, slots and recurring days, release,
collection.
"""
