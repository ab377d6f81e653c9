"""Adapters: tables and repositories, the document counter, gRPC clients of pricing and contacts."""
