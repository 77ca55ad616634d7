"""Guarded fetching of web pages and extraction of their main text."""
