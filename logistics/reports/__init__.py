"""What coordinators read back: the monthly report (tonnage by antenna, store, destination and
category, hubs and vehicles), the periods people type, drivers' reliability, and a
donation's history from the audit log.
"""
