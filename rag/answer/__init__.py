"""Hits → answers with citations: the extractive, judged and LLM answerers, citation checks,
per-source comparison, disagreements and timelines, and follow-up questions.

Does NOT retrieve (retrieval.py) or know English itself (rag/text/).
"""
