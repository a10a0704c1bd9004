"""Assessments: the common exploitation risk assessment.

One configurable indicator catalogue for every authority (versioned data files in
``catalogues/``), answered yes / no / not known with a narrative for every "yes". Harbour suggests
a level and explains which indicators and rules produced it; the practitioner decides, records
their rationale, and a level that differs from the suggestion is a professional-judgement
override in either direction. The child's own voice is recorded with every assessment.
"""
