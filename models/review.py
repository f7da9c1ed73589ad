"""A report's review state, read in this one place, and the one rule of what counts as reported.

A version is "mới" (new) until a coordinator acts on it: "đã tiếp nhận" (accepted) or "trả lại" (returned,
with a comment). A focal point may withdraw their own latest version ("đã rút"). A returned or withdrawn
latest version counts as not reported — in reminders, status, the digest, the yearly figures — until a new
version arrives; `counts` (for a row read) and `COUNTS` (the same rule in SQL) are that rule. A plan with
`review: false` has its reports accepted on arrival (models/reports.py).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_
from sqlmodel import col

from locales import N_, _
from models.store.tables import Report


class Review(StrEnum):
    new = "new"
    accepted = "accepted"
    returned = "returned"
    withdrawn = "withdrawn"  # not a review: the sender took it back (Report.withdrawn_at)


LABEL = {Review.new: N_("mới"), Review.accepted: N_("đã tiếp nhận"), Review.returned: N_("trả lại"),
         Review.withdrawn: N_("đã rút")}
NONE = "—"  # no report

# The latest version of a period, when it counts as reported (the SQL twin of `counts(review_of(r))`).
COUNTS = and_(col(Report.is_latest), col(Report.review) != Review.returned.value, col(Report.withdrawn_at).is_(None))


def review_of(report: Report) -> Review:
    """The state of `report`'s review (a withdrawn version reads as withdrawn, whatever its review)."""
    if report.withdrawn_at is not None:
        return Review.withdrawn
    try:
        return Review(report.review)
    except ValueError:  # a value written by a newer release: not accepted, still counted
        return Review.new


def review_label(state: Review | None) -> str:
    return _(LABEL[state]) if state is not None else NONE


def counts(state: Review | None) -> bool:
    """A returned or withdrawn report counts as not reported (its figures are left out until a new version)."""
    return state not in (Review.returned, Review.withdrawn)


def counted(report: Report | None) -> bool:
    """`report` is there and counts as reported."""
    return report is not None and counts(review_of(report))


def unaccepted(review_on: bool, state: Review | None) -> bool:
    """Quoted with "(chưa tiếp nhận)": with review switched on (Plan.review), a report nobody has accepted yet."""
    return review_on and state is not None and state is not Review.accepted


def review_note(report: Report) -> str:
    """What status shows about a version's review: "trả lại: <ý kiến>", "đã rút", "mới", "đã tiếp nhận"."""
    state = review_of(report)
    if state is Review.returned:
        return _("trả lại: {comment}").format(comment=report.review_comment) if report.review_comment \
            else _(LABEL[state])
    return _(LABEL[state])
