"""Where an index is kept: the FAISS folder (default) or Milvus, behind one Store protocol.

Does NOT decide what changed (ingestion.py).
"""
