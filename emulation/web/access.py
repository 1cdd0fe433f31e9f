"""Object-level access to a campaign's full ranking, shared by the pages that show it.

Rule: the committee, the secretary, and the council members (role ``leader``) of THAT
campaign see its full ranking and score sheet; nobody else does — views answer 404, so
that campaigns cannot be probed. (Publication opens only the read-only API to everyone;
see ``web.api``.)
"""
from __future__ import annotations

from ..models import Campaign


def sees_ranking(user, campaign: Campaign) -> bool:
    """``user`` (possibly anonymous) may see ``campaign``'s full ranking (module rule)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_role("committee", "secretary") or campaign.id in user.reviewer_campaign_ids("leader")
