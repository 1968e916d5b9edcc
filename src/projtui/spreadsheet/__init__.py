"""Spreadsheets in: a council's workbook or CSV read as rows (`tables.py`), their cells as values (`cells.py`), applied onto a snapshot document (`rows.py`)."""
