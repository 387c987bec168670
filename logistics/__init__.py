"""The rules, without aiogram: one package per domain (network, people, announcements, pickups,
deliveries, safety, stock, tours, broadcasts, reports, invariants) and the few modules they all
use (clock, errors, transaction, notify, audit). See docs/architecture.md.
"""
