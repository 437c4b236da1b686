"""The shared core of Kalos: everything both workers and the backend client agree on.

One module per idea: ``base64url``, ``crypto`` (the one seam to HMAC and SHA-256),
``keys`` (key rings and key ids), ``jwt`` (strict HS256), ``signing`` (backend request
signatures), ``grants``, ``receipts``, ``policy`` (object keys and upload limits),
``sniff`` (content types from magic bytes), ``untrusted_json`` (shallow JSON objects
only), ``errors`` (the problem+json contract) and ``config`` (settings read from a
worker's environment).

Everything here runs on CPython and on Pyodide inside Workers. Only ``ledger`` and
``http`` need the Workers runtime; the workers import those directly.
"""
