"""The screens of deliveries (logistics/deliveries): an association's receipt and its problem note,
and /pickups, where coordinators route a pickup.
"""
