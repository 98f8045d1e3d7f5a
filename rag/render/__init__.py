"""Answers, comparisons and timelines as terminal text, Markdown, JSON, CSV and SVG charts.

Does NOT compute anything it shows.
"""
