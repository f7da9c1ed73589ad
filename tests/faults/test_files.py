"""Bad files and paths an operator can hand the bot: each is one clear line (exit 2 for bad input, 1 for
a database that cannot be opened), never a traceback, and nothing is written or created on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.planfiles.plan_file import read_plan
from models.planfiles.reorg_file import read_reorg
from models.planfiles.source import SourceError
from models.store import db
from models.store.db import DatabaseUnavailable
from plans import DEFAULT_PLAN, DEFAULT_REORG
from tests.bot.prepared import nhacviec  # exceptions not caught: a traceback fails the test

pytestmark = pytest.mark.faults



def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output and "Error:" not in output.replace("lỗi:", ""), output


def test_a_plan_path_that_is_a_folder_is_one_line(tmp_path):
    check = nhacviec("plan", "check", str(DEFAULT_PLAN.parent))
    assert check.exit_code == 2
    # These commands take one file; a folder is what NHACVIEC_PLANS takes, and the line says so.
    assert lines(check.output) == [f"{DEFAULT_PLAN.parent} là một thư mục. Lệnh này nhận một tệp kế hoạch; để nạp "
                                   f"mọi kế hoạch trong thư mục khi bot chạy, đặt NHACVIEC_PLANS={DEFAULT_PLAN.parent}"]
    env = {"NHACVIEC_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    load = nhacviec("plan", "load", str(tmp_path), env=env)
    assert load.exit_code == 2 and "là một thư mục" in load.output and len(lines(load.output)) == 1
    # A folder named at start-up with no plan file in it stops start-up: the bot would follow nothing.
    run = nhacviec("run", env={**env, "NHACVIEC_PLAN": str(tmp_path)})
    assert run.exit_code == 2 and f"{tmp_path}: thư mục không có tệp kế hoạch nào" in run.output
    assert_no_traceback(check.output + load.output + run.output)


@pytest.mark.parametrize("nesting", ["plan: " + "[" * 100_000, "plan: " + "{a: " * 100_000, "- " * 100_000 + "x"])
def test_a_file_nested_100000_levels_deep_is_one_line(tmp_path, nesting):
    path = tmp_path / "deep.yaml"
    path.write_text(nesting + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as plan_error:
        read_plan(path)
    assert str(plan_error.value) == f"{path}: lồng nhau quá sâu (tối đa 40 cấp)"
    with pytest.raises(SourceError) as reorg_error:
        read_reorg(path)
    assert str(reorg_error.value) == f"{path}: lồng nhau quá sâu (tối đa 40 cấp)"
    check = nhacviec("plan", "check", str(path))
    assert check.exit_code == 2 and lines(check.output)[-1] == f"{path}: lồng nhau quá sâu (tối đa 40 cấp)"
    assert_no_traceback(check.output)


@pytest.mark.parametrize(("character", "name"), [("\x1b", "U+001B"), ("\x00", "U+0000"), ("\x7f", "U+007F"),
                                                 ("\x85", "U+0085"), ("\x9b", "U+009B"), ("\ufffe", "U+FFFE")])
def test_control_characters_in_plan_and_reorganisation_files_are_refused_with_the_line(tmp_path, character, name):
    text = DEFAULT_PLAN.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(n for n, t in enumerate(text, start=1) if "title:" in t)  # the plan's title, somewhere near the top
    text[line - 1] = text[line - 1].replace("title:", f"title:{character}", 1)
    plan = tmp_path / "plan.yaml"
    plan.write_text("".join(text), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        read_plan(plan)
    assert str(error.value) == (f"{plan}:{line}: ký tự điều khiển {name} ở cột {text[line - 1].index(character) + 1} "
                                "không được phép trong tệp; hãy xóa nó")
    check = nhacviec("plan", "check", str(plan))
    assert check.exit_code == 2 and f"{plan}:{line}: ký tự điều khiển {name}" in check.output
    assert_no_traceback(check.output)

    reorg_text = DEFAULT_REORG.read_text(encoding="utf-8").replace("merge: [STTTT]", f"merge: [STTTT]{character}", 1)
    reorg = tmp_path / "reorg.yaml"
    reorg.write_text(reorg_text, encoding="utf-8")
    reorg_line = reorg_text[:reorg_text.index(character)].count("\n") + 1
    with pytest.raises(SourceError) as error:
        read_reorg(reorg)
    assert str(error.value).startswith(f"{reorg}:{reorg_line}: ký tự điều khiển {name}")


def test_windows_line_ends_are_not_control_characters(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(DEFAULT_PLAN.read_bytes().replace(b"\n", b"\r\n"))
    assert read_plan(plan).spec.plan.code == "VL-3064-2023"


def test_a_missing_database_folder_is_named_and_not_created(tmp_path):
    missing = tmp_path / "nonexistent" / "dir"
    with pytest.raises(DatabaseUnavailable) as error:
        db.make_engine(f"sqlite:///{missing / 'x.db'}")
    assert f"thư mục {missing} không tồn tại" in str(error.value)
    run = nhacviec("run", env={"NHACVIEC_DATABASE_URL": f"sqlite:///{missing / 'x.db'}"})
    assert run.exit_code == 1
    assert lines(run.output) == [f"Không kết nối được cơ sở dữ liệu sqlite+aiosqlite:///{missing / 'x.db'}: thư mục "
                                 f"{missing} không tồn tại; hãy tạo nó trước hoặc sửa NHACVIEC_DATABASE_URL"]
    assert not (tmp_path / "nonexistent").exists()
    # In a folder that exists, the file itself is created (test_migrations builds one there).
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert isinstance(engine.url.database, str) and Path(engine.url.database).parent == tmp_path
