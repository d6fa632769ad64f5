"""Reads shaped for one page each; the page cache sits here (cache.py), never in views."""
