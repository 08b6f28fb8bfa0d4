"""The expert pool's pure rules: plain functions on plain values, no Flask, SQLAlchemy, marshmallow or ground.

``normalize`` (what people type about an expert: ID numbers, mobiles, vocabularies, dates), ``tabular``
(spreadsheets in and out, on bytes), ``status`` (the status machine and the review rule), ``regions`` (the
provincial-level regions) and ``errors`` (the error values they raise). Clock values are passed in, never
read. The marshmallow schemas, the services, the import and the CLI call these; they are tested on their own.
"""
