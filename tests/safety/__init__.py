"""The tests of logistics/safety: dates on food, the traceability register and recalls."""
