"""A report's review state, read in this one place.

Reports have no review state yet: the coordinator's acceptance (issue 14) will add it, and a report will be
"mới" (new), "đã tiếp nhận" (accepted) or "trả lại" (returned). Until then `review_of` answers None and
everything that shows the state shows "—". When the state lands, `review_of` reads its field and nothing
else changes: the yearly data, the draft and the export already mark unaccepted reports and leave returned
ones out of the figures.
"""

from __future__ import annotations

from enum import StrEnum

from locales import N_, _
from models.store.tables import Report


class Review(StrEnum):
    new = "new"
    accepted = "accepted"
    returned = "returned"


LABEL = {Review.new: N_("mới"), Review.accepted: N_("đã tiếp nhận"), Review.returned: N_("trả lại")}
NONE = "—"  # no review state (yet)


def review_of(report: Report) -> Review | None:
    """The state of `report`'s review; None while reports carry none."""
    return None


def review_label(state: Review | None) -> str:
    return _(LABEL[state]) if state is not None else NONE


def counts(state: Review | None) -> bool:
    """A returned report counts as not reported (its figures are left out until a new version arrives)."""
    return state is not Review.returned


def unaccepted(review_on: bool, state: Review | None) -> bool:
    """Quoted with "(chưa tiếp nhận)": with review switched on (Plan.review), a report nobody has accepted yet."""
    return review_on and state is not None and state is not Review.accepted
