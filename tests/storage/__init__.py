"""The tests of storage: migrations, the database's own constraints, the FSM storage."""
