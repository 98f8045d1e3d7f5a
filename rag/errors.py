"""Every error the library raises on purpose; each message says what to do next.

RagError
├── CorpusError          the corpus folder is missing, empty or unreadable
│   └── ArticleError     an article cannot be added to or removed from the folder
├── IndexError_          the index cannot be used
│   ├── IndexMissingError    nothing built yet: run `rag ingest`
│   ├── StaleIndexError      built with another model, parameters or format
│   ├── CorruptIndexError    a file is truncated, inconsistent or does not match its manifest
│   ├── IndexFolderError     the folder holds other files, or overlaps the corpus
│   └── StoreError           the Milvus store cannot be reached, or refuses a request
├── QuestionError        the question is empty, too long or unusable
├── FilterError          a --source / --since / --until filter matches no article
├── DatasetError         an eval data set line is malformed
├── FeedbackError        the feedback store cannot be read or written, or an export is refused
└── LlmError             the optional LLM plug-in is missing or misconfigured
"""

from __future__ import annotations

# What an unusable index's message ends with; `rag ingest`, which is already rebuilding, drops it.
REBUILD = "Rebuild it with `rag ingest`."


class RagError(Exception):
    """Base class: the CLI prints these as one red line, the UI as a message."""


class CorpusError(RagError):
    pass


class ArticleError(CorpusError):
    pass


class IndexError_(RagError):
    pass


class IndexMissingError(IndexError_):
    pass


class StaleIndexError(IndexError_):
    pass


class CorruptIndexError(IndexError_):
    pass


class IndexFolderError(IndexError_):
    pass


class StoreError(IndexError_):
    pass


class QuestionError(RagError):
    pass


class FilterError(RagError):
    pass


class DatasetError(RagError):
    pass


class FeedbackError(RagError):
    pass


class LlmError(RagError):
    pass
