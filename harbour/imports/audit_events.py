"""Audit actions for agency imports."""

from harbour.audit.registry import register

register("imports.sources_listed", "Looked at the import sources of their agency", is_read=True)
register("imports.source_created", "Set up an import source")
register("imports.mapping_saved", "Saved the column mapping of an import source")
register("imports.file_uploaded", "Uploaded an agency extract to import")
register(
    "imports.file_refused",
    "Uploaded an extract that was refused (type, size, or already imported)",
    is_refusal=True,
)
register(
    "imports.batch_viewed", "Looked at an import: its report, preview or progress", is_read=True
)
register("imports.batch_validated", "An import was checked row by row and matched")
register("imports.batch_committed", "Committed an import")
register("imports.batch_failed", "An import failed and wrote nothing")
register("imports.batch_discarded", "Discarded an import before committing it")
register("imports.row_reviewed", "Decided a held import row: same child or new child")
