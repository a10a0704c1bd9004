"""Cases: the child's case held by a lead professional with the agencies involved.

A case opens from a triage decision; joining a case is what gives an agency's staff access to the
child (an ``Involvement`` of kind "case", ended when the agency leaves). The plan has goals agreed
with the child, owned actions and reviews; a case can step down to monitoring, close with a
reason and reopen. Each event is written to the child's chronology.
"""
