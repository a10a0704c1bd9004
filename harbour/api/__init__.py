"""The partner API (``/api/v1/``): partner systems submit and ask through their agency's policy.

Each partner system has its own revocable credential tied to an agency and scopes; every call is
audited; errors are RFC 9457 problem details; submissions take idempotency keys.
"""
