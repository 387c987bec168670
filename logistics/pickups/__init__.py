"""Pickups at stores: the weekly slots and the days they open, the offers to drivers, claiming
and releasing (one driver per donation, however many press at once), collecting with the
real weight, a donation's progress, and the read models its cards and lists show.
"""
