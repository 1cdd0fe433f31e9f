"""Peewee models. ``ALL_MODELS`` lists them in dependency order."""
from .accounts import CAMPAIGN_ROLES, ROLES, LoginAttempt, LoginSession, RoleGrant, User
from .audit import AuditEvent
from .awards import AwardRule, Certificate, Decision, DecisionAward
from .base import BaseModel, FixedDecimalField, utcnow
from .campaign import Campaign, CampaignUnit
from .council import CouncilChange, Objection
from .criteria import CriteriaSet, Criterion
from .issuing import PRINT_MODES, CertificateBatch, CertificateChunk, GoldenBook
from .org import Cluster, Person, Unit
from .results import Result
from .review import CONFLICT_KINDS, Assignment, Conflict, Review, Score
from .submission import SUBMISSION_STATES, Evidence, Nomination, ReturnNote, SelfScore, Submission
from .verify import RateWindow

ALL_MODELS = [
    Cluster, Unit, Person, CriteriaSet, Criterion, Campaign, CampaignUnit,
    User, RoleGrant, LoginSession, LoginAttempt,
    Submission, SelfScore, Evidence, Nomination, ReturnNote,
    Assignment, Conflict, Review, Score,
    AwardRule, Decision, DecisionAward, Certificate, CertificateBatch, CertificateChunk, GoldenBook, Result, CouncilChange, Objection, AuditEvent,
    RateWindow,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "BaseModel", "FixedDecimalField", "utcnow", "ROLES", "CAMPAIGN_ROLES",
    "CONFLICT_KINDS", "SUBMISSION_STATES", "PRINT_MODES"]
