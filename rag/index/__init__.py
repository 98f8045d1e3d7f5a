"""A loaded index and its files: chunk and sentence records, vectors (FAISS), BM25, the manifest,
and the folder's locks and checks.

Does NOT chunk or embed (ingestion.py) or rank and fuse (retrieval.py).
"""
