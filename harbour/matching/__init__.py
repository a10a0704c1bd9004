"""Matching: "who already knows this child?" – scoring a child's details against persons held.

This is the only package that may import a record-linkage library. Today it holds an interim,
explainable scorer (``scorer``); a trained probabilistic model (Splink) replaces it behind the same
``find_candidates`` function in a later issue.
"""
