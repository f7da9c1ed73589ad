"""Which plan a command about one whole plan (/duthao) is about: the one named or the only one followed;
with several, the person picks with a button."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence

from handlers.core import READERS, Context, Router
from locales import _
from models.callbacks import Button
from models.chat import Reply
from models.store.tables import Plan
from models.wording import short

router = Router()

Action = Callable[[Context, Plan, int], Awaitable[list[Reply]]]
_ACTIONS: dict[str, Action] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChosenPlan(Button, prefix="pc"):
    """A plan picked for a command about a year of it."""

    command: str
    plan: int
    year: int


def on_plan(command: str) -> Callable[[Action], Action]:
    """Register what `command` does once its plan is known."""
    def register(action: Action) -> Action:
        _ACTIONS[command] = action
        return action
    return register


async def choose_plan(ctx: Context, command: str, year: int, plans: Sequence[Plan]) -> list[Reply]:
    """Run `command` for `year` on the only plan of `plans`, or ask which one when there are several."""
    if not plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    if len(plans) == 1:
        return await _ACTIONS[command](ctx, plans[0], year)
    options = tuple(ctx.button(short(f"{p.code} — {p.short or p.title}", 60),
                               ChosenPlan(command=command, plan=p.id, year=year)) for p in plans if p.id is not None)
    return [Reply(_("Có {n} kế hoạch; chọn kế hoạch cần lấy (năm {year}):").format(n=len(plans), year=year), options)]


@router.button(ChosenPlan, roles=READERS, in_groups=True)
async def chosen(ctx: Context, button: ChosenPlan) -> list[Reply]:
    plan = ctx.catalog.plans.get(button.plan)  # a plan retired since the buttons were sent is not offered
    action = _ACTIONS.get(button.command)
    if plan is None or action is None:
        return [Reply(_("Lựa chọn không hợp lệ."))]
    return await action(ctx, plan, button.year)
