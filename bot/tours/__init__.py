"""The screens of tours (logistics/tours): /tours for collection and distribution tours, the
vehicles under /antenna, and how a tour reads.
"""
