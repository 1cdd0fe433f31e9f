"""Review-window speed on a large campaign: assignment, the paper-score import, aggregation.

    python bench/reviews.py [--units 300] [--clusters 10] [--leaders 5]

Builds a temporary SQLite installation with one campaign (Hà Nội set, 20 criteria), the
given number of units with submitted self-assessments, one peer reviewer per unit and the
council, then times, each against a floor measured in the same run:

(a) ``auto_assign`` (load, the domain algorithm, insert, audit) vs inserting the same
    assignment rows directly;
(b) ``import_scores`` of the filled scoring sheet (.xlsx, one row per assignment ×
    criterion: read, validate every row, merge, submit, audit) vs only reading the sheet;
(c) ``campaign_scores`` (load + DESIGN §3 aggregation of every submission) vs running its
    three loading queries alone.

Last line: ``assign_s=… assign_ratio=… import_rows_s=… import_ratio=… scores_ms=… scores_ratio=…``.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(units: int, clusters: int, leaders: int):
    """The campaign in its review window, with submitted self-assessments and reviewers."""
    from emulation.clock import clock
    from emulation.models import Campaign, CampaignUnit, Cluster, Criterion, RoleGrant, SelfScore, Submission, \
        Unit, User
    from tests.factories import Factory

    make = Factory()
    campaign = make.campaign(slug="bench")
    Cluster.insert_many([{"code": f"C{c}", "name": f"Cụm {c}"} for c in range(clusters)]).execute()
    cluster_ids = [c.id for c in Cluster.select().where(Cluster.code.startswith("C")).order_by(Cluster.id)]
    Unit.insert_many([{"code": f"U{i:04d}", "name": f"Phường số {i}", "cluster": cluster_ids[i % clusters]}
                      for i in range(units)]).execute()
    unit_ids = [u.id for u in Unit.select(Unit.id).where(Unit.code.startswith("U")).order_by(Unit.id)]
    CampaignUnit.insert_many([{"campaign": campaign.id, "unit": u} for u in unit_ids]).execute()
    Submission.insert_many([{"campaign": campaign.id, "target": "collective", "unit": u, "subject_key": f"unit:{u}",
                             "state": "submitted"} for u in unit_ids]).execute()
    criteria = list(Criterion.select().where(Criterion.criteria_set == campaign.collective_set_id))
    subs = list(Submission.select(Submission.id).where(Submission.campaign == campaign))
    rows = [{"submission": s.id, "criterion": c.id, "value": c.max if c.kind != "penalty" else 0}
            for s in subs for c in criteria]
    for start in range(0, len(rows), 500):
        SelfScore.insert_many(rows[start:start + 500]).execute()
    User.insert_many([{"username": f"peer{i}", "full_name": f"Người chấm {i}", "password_hash": "x"}
                      for i in range(units)] + [{"username": f"leader{i}", "full_name": f"Hội đồng {i}",
                                                 "password_hash": "x"} for i in range(leaders)]).execute()
    users = {u.username: u.id for u in User.select(User.id, User.username)}
    grants = [{"user": users[f"peer{i}"], "role": "peer", "unit": None, "campaign": campaign.id}
              for i in range(units)]
    grants += [{"user": users[f"peer{i}"], "role": "officer", "unit": unit_ids[i], "campaign": None}
               for i in range(units)]
    grants += [{"user": users[f"leader{i}"], "role": "leader", "unit": None, "campaign": campaign.id}
               for i in range(leaders)]
    for start in range(0, len(grants), 500):
        RoleGrant.insert_many(grants[start:start + 500]).execute()
    clock.frozen = Campaign.get_by_id(campaign.id).review_opens
    return Campaign.get_by_id(campaign.id), make.user("secretary")


def fill(sheet_bytes: bytes) -> bytes:
    """Every value cell of the scoring sheet set to the unit's self-score (as a council would type)."""
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(sheet_bytes))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    value, own = header.index("Điểm chấm") + 1, header.index("Điểm tự chấm") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, value).value = sheet.cell(row, own).value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--clusters", type=int, default=10)
    parser.add_argument("--leaders", type=int, default=5)
    args = parser.parse_args()
    from common import bench_app, migrated
    from emulation.database import db
    from emulation.domain.review_sheets import SCORE_COLUMNS
    from emulation.models import Assignment, Review, Score
    from emulation.services import assignments, review_import, scores
    from emulation.services.sheets import read_table

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.test_request_context(), db.connection_context():
            migrated()
            campaign, secretary = build(args.units, args.clusters, args.leaders)
            start = time.perf_counter()
            plan, created = assignments.auto_assign(secretary, campaign, seed=1)
            assign_s = time.perf_counter() - start
            pairs = [{"submission": a.submission_id, "reviewer": a.reviewer_id, "role": a.role}
                     for a in Assignment.select()]
            with db.atomic() as tx:
                start = time.perf_counter()
                for i in range(0, len(pairs), 200):
                    Assignment.insert_many([{**p, "reviewer": p["reviewer"]} for p in pairs[i:i + 200]]) \
                        .on_conflict_ignore().execute()
                Assignment.delete().execute()
                floor_assign_s = time.perf_counter() - start
                tx.rollback()

            data = fill(review_import.score_template(campaign))
            start = time.perf_counter()
            rows = read_table("phieu.xlsx", data, SCORE_COLUMNS, max_rows=review_import.MAX_SCORE_ROWS)
            read_s = time.perf_counter() - start
            start = time.perf_counter()
            report = review_import.import_scores(secretary, campaign, "phieu.xlsx", data)
            import_s = time.perf_counter() - start
            assert report.submitted == report.reviews == len(pairs), report

            timings, floors = [], []
            for _ in range(5):
                start = time.perf_counter()
                result = scores.campaign_scores(campaign)
                timings.append(time.perf_counter() - start)
                start = time.perf_counter()
                list(Score.select(Score.value).join(Review).tuples())
                list(review_import.SelfScore.select(review_import.SelfScore.value).tuples())
                list(Assignment.select(Assignment.id).tuples())
                floors.append(time.perf_counter() - start)
            assert len(result) == args.units
    scores_ms, floor_ms = min(timings) * 1000, min(floors) * 1000
    print(f"{args.units} units, {len(pairs)} assignments ({len(plan.shortfalls)} shortfalls), {len(rows)} score rows")
    print(f"auto_assign: {assign_s:.2f} s (floor: inserting the rows {floor_assign_s:.2f} s)")
    print(f"import_scores: {len(rows) / import_s:,.0f} rows/s in {import_s:.2f} s "
          f"(floor: reading the sheet {read_s:.2f} s)")
    print(f"campaign_scores: {scores_ms:.0f} ms (floor: its queries alone {floor_ms:.0f} ms)")
    print(f"assign_s={assign_s:.2f} assign_ratio={assign_s / floor_assign_s:.1f} "
          f"import_rows_s={len(rows) / import_s:.0f} import_ratio={import_s / read_s:.2f} "
          f"scores_ms={scores_ms:.0f} scores_ratio={scores_ms / floor_ms:.1f}")


if __name__ == "__main__":
    main()
