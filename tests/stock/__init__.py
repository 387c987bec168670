"""The tests of logistics/stock: a hub's stock, who may move it, its races, its screens and its
figures.
"""
