"""Names vulture reports as unused that are used where it cannot look (tests/test_architecture.py
::test_no_dead_code). Reviewed: each group says who uses it. Anything new that vulture finds is either
dead (delete it) or belongs here with its reason."""
# ruff: noqa
# This file is read by vulture, never imported or run.

_ = object()

# Table columns written by the code or the database and read by operators, migrations and SQL, not by name
# in Python (audit and bookkeeping times, who did what).
created_at, updated_at, sent_at, granted_at, revoked_at, added_at, added_by_member_id, used_by_member_id
_.updated_at, _.revoked_at, _.used_by_member_id

# Framework hooks: pydantic-settings / SQLModel configuration, SQLAlchemy TypeDecorator, metadata naming.
model_config, impl, cache_ok
_.process_bind_param, _.process_result_value, _.naming_convention

# Library objects configured by setting their attributes: openpyxl cells and sheets, python-docx sections,
# paragraphs and tables, logging records, Babel catalogs.
_.number_format, _.alignment, _.freeze_panes, _.ref, _.font, _.fill
_.line_spacing, _.line_spacing_rule, _.space_before, _.space_after, _.widow_control, _.vertical_alignment
_.top_margin, _.bottom_margin, _.left_margin, _.right_margin, _.header_distance, _.footer_distance
_.page_width, _.page_height, _.start_type, _.right_indent, _.left_indent, _.first_line_indent
_.highlight_color, _.different_first_page_header_footer, _.page_break_before, _.autofit
_.allow_break_across_pages
_.print_title_rows, _.paperSize, _.orientation, _.fitToWidth, _.fitToHeight, _.fitToPage
_.msg, _.levelname, _.exc_text, _.stack_info
_.creation_date, _.revision_date, _.fuzzy

# Overrides called by the libraries: python-telegram-bot's update processor; the queue method and the
# attribute SQLAlchemy's aiosqlite dialect uses on the connection (models/store/sqlite_inline.py).
_.do_process_update, _.put_nowait, _._tx

# The shipped example plan's path: .ci/run's wheel smoke test checks it is installed (and the tests load it).
EXAMPLE_PLAN

# Fields the web view's Jinja2 templates read (bot/web/templates).
submitted
successor_name  # unit.html: the successor named as it is called today (issue 15 §10)

# SQLAlchemy session events, registered by their decorator (models/store/revisions.py).
_watched_flushed, _watched_bulk_changed
