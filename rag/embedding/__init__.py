"""Text → vectors: the packaged MiniLM through sentence-transformers or ONNX, and which device
bulk work runs on.

Does NOT store or search vectors (rag/index/).
"""
