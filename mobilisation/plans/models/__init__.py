"""CLS action plans for a mobilisation: diagnosis, planned actions, indicators, budget, funding, COPIL, restrictions."""

from .access import plan_scope_condition, plan_team_condition
from .actions import BudgetLine, Indicator, PlannedAction, ProgressEntry
from .copil import CopilDecision, CopilMeeting
from .funding import FundingComment, FundingRequest
from .plan import DiagnosisFigure, ExistingAction, Plan, PlanEvent, PlanMessage, ThreadReading, plannable_cls
from .restrictions import RestrictionPeriod

__all__ = [
    "BudgetLine",
    "CopilDecision",
    "CopilMeeting",
    "DiagnosisFigure",
    "ExistingAction",
    "FundingComment",
    "FundingRequest",
    "Indicator",
    "Plan",
    "PlanEvent",
    "PlanMessage",
    "PlannedAction",
    "ProgressEntry",
    "RestrictionPeriod",
    "ThreadReading",
    "plan_scope_condition",
    "plan_team_condition",
    "plannable_cls",
]
