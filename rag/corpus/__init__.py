"""A folder of files → Articles → sentences and chunks with exact character offsets; adding and
removing articles without deleting anything.

Does NOT embed or index.
"""
