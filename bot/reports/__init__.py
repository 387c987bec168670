"""Reports (logistics/reports) in words and files: /report and ``python -m bot report``, XLSX, CSV
and PDF, charts, reliability, /history.
"""
