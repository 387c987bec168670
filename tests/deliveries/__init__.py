"""The tests of logistics/deliveries: the allocation rule, receipts, their cards and their
settlement.
"""
