"""Every write on plans goes through these functions: they check the lifecycle, record the history and notify."""

from .actions import (
    add_budget_line,
    add_indicator,
    add_progress,
    adopt_action_model,
    apply_model_changes,
    move_action,
    save_planned_action,
    set_target,
)
from .copil import cancel_copil, record_copil, schedule_copil
from .funding import (
    DuplicateFundingRequest,
    comment_funding,
    instruct_funding,
    open_twin,
    reopen_funding,
    report_funding_usage,
    request_funding,
)
from .plan import (
    NEXT_STEP,
    add_diagnosis_figure,
    add_existing_action,
    mark_thread_read,
    move_plan,
    post_message,
    remove_diagnosis_figure,
    save_diagnosis,
    start_plan,
)
from .restrictions import delete_restriction, lift_restriction, save_restriction

__all__ = [
    "NEXT_STEP",
    "DuplicateFundingRequest",
    "add_budget_line",
    "add_diagnosis_figure",
    "add_existing_action",
    "add_indicator",
    "add_progress",
    "adopt_action_model",
    "apply_model_changes",
    "cancel_copil",
    "comment_funding",
    "delete_restriction",
    "instruct_funding",
    "lift_restriction",
    "mark_thread_read",
    "move_action",
    "move_plan",
    "open_twin",
    "post_message",
    "record_copil",
    "remove_diagnosis_figure",
    "reopen_funding",
    "report_funding_usage",
    "request_funding",
    "save_diagnosis",
    "save_planned_action",
    "save_restriction",
    "schedule_copil",
    "set_target",
    "start_plan",
]
