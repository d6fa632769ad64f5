"""Files in and out: importers, results import, open data, exports, reports, round trip."""
