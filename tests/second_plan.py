"""A second, small plan, for what changes when a province follows several plans: it sets no `issuer` and no
`report_to`, so its report takes the defaults."""

from __future__ import annotations

from pathlib import Path

SECOND_PLAN = """\
plan:
  code: TV-CDS-2026
  title: "Kế hoạch chuyển đổi số trong doanh nghiệp trên địa bàn tỉnh Trà Vinh"
  short: "KH Chuyển đổi số"
  decision: "12/QĐ-UBND"
  issued: 2026-01-05
  start: 2026-01-01
  end: 2030-12-31
  coordinator: SKHCN-TV
units:
  - code: SKHCN-TV
    name: "Sở Khoa học và Công nghệ tỉnh Trà Vinh"
  - code: SCT-TV
    name: "Sở Công Thương tỉnh Trà Vinh"
schedules:
  hang-nam:
    every: year
    due: {after_cutoff: 2}
tasks:
  - code: "1"
    section: "II.1"
    title: "Hỗ trợ doanh nghiệp chuyển đổi số"
    lead: [SCT-TV]
    schedules: [hang-nam]
"""


def second_plan_file(folder: Path) -> Path:
    path = folder / "second-plan.yaml"
    path.write_text(SECOND_PLAN, encoding="utf-8")
    return path
