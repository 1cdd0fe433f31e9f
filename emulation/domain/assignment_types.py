"""Values of the assignment algorithm (``domain.assignment``): its inputs, its plan and its messages."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .messages import N_, Templated

PEER, LEADER = "peer", "leader"


@dataclass(frozen=True)
class Target:
    """A submission to review and the unit (and cluster) it belongs to."""
    submission_id: int
    unit_id: int
    cluster_id: int | None


@dataclass(frozen=True)
class PeerReviewer:
    """An officer who scores other units' submissions (chấm chéo)."""
    reviewer_id: int
    unit_id: int
    cluster_id: int | None


@dataclass(frozen=True)
class Settings:
    k_peer: int = 2
    same_cluster: bool = True
    leader_mode: str = "all"  # "all" | "spread"
    k_leader: int = 1  # with "spread"
    seed: int = 0


@dataclass(frozen=True)
class Pair:
    submission_id: int
    reviewer_id: int
    role: str  # PEER | LEADER


@dataclass(frozen=True)
class Shortfall(Templated):
    """A constraint that could not be met, in Vietnamese, saying what to do about it."""
    template: str
    params: tuple[tuple[str, str], ...] = ()
    submission_id: int | None = None


@dataclass(frozen=True)
class Plan:
    pairs: tuple[Pair, ...]
    shortfalls: tuple[Shortfall, ...]
    reciprocal: tuple[tuple[int, int], ...]  # unit pairs (a, b), a < b, reviewing each other

    @property
    def loads(self) -> dict[int, int]:
        """Number of pairs (all roles) per reviewer."""
        return dict(sorted(Counter(p.reviewer_id for p in self.pairs).items()))


PEER_SHORT = N_("Hồ sơ của {unit} chỉ có {found}/{k} người chấm chéo đủ điều kiện (cùng cụm, khác "
                "đơn vị, không xung đột). Hãy bổ sung người chấm hoặc cho phép chấm khác cụm.")
PEER_SHORT_ANY = N_("Hồ sơ của {unit} chỉ có {found}/{k} người chấm chéo đủ điều kiện (khác đơn vị, "
                    "không xung đột). Hãy bổ sung người chấm chéo.")
LEADER_SHORT = N_("Hồ sơ của {unit} chỉ có {found}/{k} thành viên hội đồng chấm được (không xung đột "
                  "lợi ích). Hãy bổ sung thành viên hội đồng.")
NO_LEADER = N_("Hội đồng chưa có thành viên nào để chấm {count} hồ sơ. Hãy thêm thành viên hội đồng.")
UNEVEN = {  # by pool: a cluster, no cluster (unclustered units, or same_cluster off), the leaders
    "cluster": N_("Không chia đều được hồ sơ cho người chấm chéo trong cụm {cluster}: mỗi người chấm "
                  "từ {low} đến {high} hồ sơ (lệch quá 1) do điều kiện chấm hoặc phân công sẵn. Hãy "
                  "bổ sung người chấm hoặc điều chỉnh phân công thủ công."),
    "all": N_("Không chia đều được hồ sơ cho người chấm chéo: mỗi người chấm từ {low} đến {high} hồ sơ "
              "(lệch quá 1) do điều kiện chấm hoặc phân công sẵn. Hãy bổ sung người chấm hoặc điều "
              "chỉnh phân công thủ công."),
    LEADER: N_("Không chia đều được hồ sơ cho thành viên hội đồng: mỗi người chấm từ {low} đến {high} "
               "hồ sơ (lệch quá 1) do xung đột lợi ích hoặc phân công sẵn. Hãy điều chỉnh phân công."),
}
