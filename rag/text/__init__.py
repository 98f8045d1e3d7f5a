"""English and the tokenizer: everything the product knows about the language of a question or a
sentence (terms and stems, names, months, number words, answer kinds, figures, dates, anaphora).

A leaf: imports nothing else from `rag`, so it is testable without FAISS or a model. Nothing in it
is specific to one corpus.
"""
