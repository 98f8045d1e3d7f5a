"""Offline tests, mirroring the modules of rag/ (see conftest.py for the shared fixtures)."""
