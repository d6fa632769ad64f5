"""The Excel round trip: download a sheet as xlsx, fill it offline, upload it, preview, confirm.

Three kinds of file, each with its own editable columns:

* ``self``: a unit's self-assessment (not applicable, self points, note) on its appraisal items;
* ``appraisal``: appraisal points and reasons on the appraisal items of the appraiser's domains;
* ``survey``: survey points of every unit (and survey item) of a year, for Sở Nội vụ.

Layout (one worksheet, read back by `lib.tabular`): row 1 is the header, frozen, with
an autofilter; then a block of *meta rows* whose first cell starts with "#" (unit, year, kind,
version and a signed check code); then one row per item (or per unit and item). No hidden rows,
no merged cells, no formulas. Editable cells are yellow; the others are for reading.

The check code (`django.core.signing`) holds the unit, year, kind, version, a hash of the
framework and a digest of every editable value as downloaded. On upload, a file for another
unit, year or kind, an edited header or a changed framework is refused; a value that the
uploader did not touch is never written back over a newer one on the portal (three-way
comparison with the digests), and a value both changed is a conflict. Every problem is listed
by sheet row. Otherwise `Preview` lists exactly the changed cells (item, old, new); it is
checked by running the real service in a transaction that is rolled back, so confirming cannot
fail on a rule the preview did not show (only on a newer version of the sheet). Confirming
applies the changes through the same services as the forms, with history source "upload".
"""

from scoring.exchange.roundtrip.apply import StaleUpload, apply_upload
from scoring.exchange.roundtrip.layout import (
    APPRAISAL,
    SELF,
    SOURCE,
    SURVEY,
    CellChange,
    Preview,
    RoundTripError,
    Subject,
    escape_text,
    kind_label,
    sheet_subject,
    survey_subject,
    unescape_text,
)
from scoring.exchange.roundtrip.upload import check_file_name, read_upload
from scoring.exchange.roundtrip.workbook import file_name, to_xlsx

__all__ = [
    "APPRAISAL",
    "SELF",
    "SOURCE",
    "SURVEY",
    "CellChange",
    "Preview",
    "RoundTripError",
    "StaleUpload",
    "Subject",
    "apply_upload",
    "check_file_name",
    "escape_text",
    "file_name",
    "kind_label",
    "read_upload",
    "sheet_subject",
    "survey_subject",
    "to_xlsx",
    "unescape_text",
]
