"""The database: SQLModel tables (models.py and one module per part), engines and sessions for
SQLite and PostgreSQL, Alembic migrations, and the FSM storage.
"""
