"""Eval sets and their scores: datasets, metrics, the harness, the LangChain baseline, the gate,
reports and charts, run-to-run diffs, and eval items drafted from feedback.

Does NOT answer (it calls chain.py like any user).
"""
