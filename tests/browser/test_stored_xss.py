"""Stored XSS: the corpus of ``xss_corpus`` written into every free-text field the platform
stores, then every page that shows those fields opened in a real Chromium, as the role that
sees it. On each page: no dialog opened, ``window.__xss`` undefined, no injected element or
``javascript:`` link in the DOM, and each field shown there reads literally (escaped;
``{{7*7}}`` still ``{{7*7}}``, never ``49``).

The page's Content-Security-Policy would block inline handlers even if markup were injected,
so the browser context bypasses it: the test proves the escaping, not the CSP. The
live-server fixture is function-scoped, so one test seeds and poisons once, then loops over
the pages and reports every failure, naming the page and the field.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from urllib.parse import quote

import pytest

from emulation.config import PROJECT_ROOT
from emulation.database import db
from emulation.domain.criteria import parse_criteria
from emulation.models import (Assignment, AwardRule, Campaign, Certificate, Cluster, Conflict, CouncilChange,
                              CriteriaSet, Criterion, Decision, DecisionAward, Evidence, Nomination, Objection,
                              Person, ReturnNote, Review, Score, SelfScore, Submission, Unit, User, utcnow)
from emulation.services import org
from emulation.services.criteria import import_criteria
from emulation.services.demo import CAMPAIGN_SLUG, CRITERIA_FILES, DEMO_PASSWORD
from emulation.services.demo_council import DECISION_NUMBER
from emulation.services.demo_council import SLUG as COUNCIL_SLUG
from emulation.services.demo_reviews import SLUG as REVIEW_SLUG
from emulation.services.verification import revoke
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.xss_corpus import (FIELDS, INJECTED_SELECTOR, as_json_text, describe, key_of, payload,
                                      poisoned_hash, poisoned_toml)
from tests.web.verify_helpers import issue_all

pytest.importorskip("playwright.sync_api")

ROLE_LOGIN = {"committee": "btdkt", "secretary": "thuky", "officer": "txbac", "officer-hd": "hadinh",
              "peer": "chamcheo", "leader": "hoidong", "public": None}


# ------------------------------------------------------------------------------------------ planting

def _campaign(slug: str) -> Campaign:
    return Campaign.get(Campaign.slug == slug)


def _collective(campaign: Campaign, unit_code: str) -> Submission:
    return Submission.get(Submission.campaign == campaign, Submission.target == "collective",
                          Submission.unit == Unit.get(Unit.code == unit_code))


def _poison_sets_in_use() -> None:
    """The demo's three criteria sets (used by campaigns, so no re-import): TOML text, hash and
    criterion rows rewritten together, as a replacing import would write them."""
    for name in CRITERIA_FILES:
        text = (PROJECT_ROOT / "criteria" / name).read_text(encoding="utf-8")
        data = parse_criteria(text)
        row = CriteriaSet.get(CriteriaSet.code == data.id, CriteriaSet.version == data.version)
        poisoned = poisoned_toml(text)
        new = parse_criteria(poisoned)
        CriteriaSet.update(title=new.title, source_text=poisoned, content_hash=poisoned_hash(poisoned)).where(
            CriteriaSet.id == row.id).execute()
        groups = {g.code: g.title for g in new.groups}
        for c in new.criteria:
            Criterion.update(title=c.title, group_title=groups[c.group_code]).where(
                Criterion.criteria_set == row, Criterion.code == c.code).execute()


def _plant() -> dict:
    """Seeded demo → every free-text field holds its payload; returns the ids the pages need."""
    P = payload
    with db.connection_context(), db.atomic():
        committee = User.get(User.username == "btdkt")
        c1, c2, c3 = _campaign(CAMPAIGN_SLUG), _campaign(REVIEW_SLUG), _campaign(COUNCIL_SLUG)
        # organisation: clusters through the service (audited: the audit log shows the payload as JSON)
        for cluster in Cluster.select():
            org.save(committee, Cluster, cluster, {"code": cluster.code, "name": P("CL"), "active": True})
        for unit in Unit.select():
            Unit.update(name=f"{unit.code} {P('UN')}").where(Unit.id == unit.id).execute()
        for person in Person.select():
            Person.update(full_name=f"{person.staff_code} {P('PN')}", position=P("PP")).where(
                Person.id == person.id).execute()
        for user in User.select():
            User.update(full_name=f"{user.username} {P('US')}").where(User.id == user.id).execute()
        for campaign in (c1, c2, c3):
            Campaign.update(title=f"{campaign.slug} {P('CT')}", description=f"Mô tả. {P('CD')}").where(
                Campaign.id == campaign.id).execute()
        # criteria: a new set imported from a poisoned TOML, and the sets in use rewritten
        text = (PROJECT_ROOT / "criteria" / CRITERIA_FILES[0]).read_text(encoding="utf-8")
        imported = import_criteria(committee, poisoned_toml(text, new_id="xss-bo-tieu-chi"), "xss.toml").criteria_set
        _poison_sets_in_use()
        # self-assessments, reviews, return notes, nominations, evidence
        SelfScore.update(explanation=P("SE")).execute()
        Score.update(comment=P("SC")).execute()
        ReturnNote.update(reason=P("RN")).execute()
        Nomination.update(achievements=P("NA"), position=P("NP")).execute()
        Evidence.update(original_name=P("EV")).execute()
        # the council, the objection, the decision (its frozen list too)
        CouncilChange.update(reason=P("CC")).execute()
        AwardRule.update(title=P("AR")).execute()
        DecisionAward.update(title=P("AR")).execute()
        Conflict.create(reviewer=User.get(User.username == "chamcheo"), unit=Unit.get(Unit.code == "LHA"),
                        campaign=c2, kind="other", note=P("CF"), declared_by=User.get(User.username == "thuky"))
        Objection.update(reason=P("OR"), answer=P("OA"), evidence_name=P("OE"), evidence_type="application/pdf",
                         evidence_sha256="0" * 64, evidence_size=1234).execute()
        decision = Decision.get(Decision.number == DECISION_NUMBER)
        Decision.update(basis=f"Căn cứ Luật Thi đua, khen thưởng;\n{P('DB')}", signer_name=P("DS")).where(
            Decision.id == decision.id).execute()
        DecisionAward.update(recipient_name=P("DR"), recipient_detail=P("DD"), reason=P("CC")).where(
            DecisionAward.decision == decision).execute()
        now = utcnow()
        draft = Decision.create(campaign=c3, number="2469/QĐ-UBND", authority=decision.authority,
                                signed_on=now.date(), signer_title=decision.signer_title, signer_name=P("DS"),
                                basis=P("DB"), state="draft", supersedes=decision, created_by=committee,
                                created_at=now)
        # certificates: issued (rows, as issuing writes them), renamed, one revoked through the service
        issue_all(Decision.get_by_id(decision.id))
        Certificate.update(recipient_name=P("CN"), recipient_detail=P("DD"), achievement=P("CA")).where(
            Certificate.decision == decision).execute()
        certificates = list(Certificate.select().where(Certificate.decision == decision).order_by(Certificate.number))
        valid, revoked = certificates[0], certificates[-1]
        revoke(committee, revoked, P("CV"))

        officer_txb = User.get(User.username == "txbac")
        peer, leader = User.get(User.username == "chamcheo"), User.get(User.username == "hoidong")

        def assignment(user: User, campaign: Campaign, state: str | None) -> int:
            rows = (Assignment.select().join(Submission)
                    .where(Assignment.reviewer == user, Submission.campaign == campaign).order_by(Assignment.id))
            for a in rows:
                review = Review.get_or_none(Review.assignment == a)
                if (review.state if review is not None else None) == state:
                    return a.id
            raise AssertionError(f"no {state} assignment of {user.username} in {campaign.slug}")

        nomination_c1 = Nomination.get(Nomination.campaign == c1, Nomination.unit == Unit.get(Unit.code == "TXB"))
        person = Person.get(Person.staff_code == "TXB-001")
        return {
            "c1": c1.id, "c2": c2.id, "c3": c3.id, "c3_slug": c3.slug,
            "set_imported": imported.id,
            "set_used": CriteriaSet.get(CriteriaSet.code == "hn-van-hoa-cong-so").id,
            "sub_c1_txb": _collective(c1, "TXB").id, "sub_c1_hdi": _collective(c1, "HDI").id,
            "sub_c3_txb": _collective(c3, "TXB").id, "sub_c3_hdi": _collective(c3, "HDI").id,
            "sub_c3_person": Submission.get(Submission.campaign == c3, Submission.person == person).id,
            "nomination_c1": nomination_c1.id,
            "peer_draft": assignment(peer, c2, "draft"), "peer_done": assignment(peer, c2, "submitted"),
            "leader_done": assignment(leader, c2, "submitted"),
            "decision": decision.id, "draft": draft.id,
            "cert_valid": valid.id, "code_valid": valid.verify_code, "code_revoked": revoked.verify_code,
            "cluster": Cluster.select().first().id, "unit": Unit.get(Unit.code == "TXB").id, "person": person.id,
            "user": officer_txb.id,
        }


# ---------------------------------------------------------------------------------------------- pages

def _pages(d: dict) -> list[tuple[str, str, str]]:
    """(role, path, keys of the fields the page must show literally, space-separated)."""
    q = payload("Q")
    return [
        # committee
        ("committee", "/committee", "US CT"),
        ("committee", "/campaigns/", "CT"),
        ("committee", f"/campaigns/{d['c1']}", "CL UN CT CD CS"),
        ("committee", f"/campaigns/{d['c3']}", "CL UN CT CD CS"),
        ("committee", f"/campaigns/{d['c1']}/edit", "CL CT CD CS"),
        ("committee", "/org/clusters", "CL"),
        ("committee", f"/org/clusters/{d['cluster']}", "CL"),
        ("committee", "/org/units", "UN CL"),
        ("committee", f"/org/units/{d['unit']}", "CL UN"),
        ("committee", "/org/people", "PN PP UN"),
        ("committee", f"/org/people/{d['person']}", "PN PP"),
        ("committee", "/users/", "US"),
        ("committee", f"/users/{d['user']}", "US UN CT"),
        ("committee", "/criteria/", "CS"),
        ("committee", f"/criteria/{d['set_imported']}", "CS CG CR"),
        ("committee", f"/criteria/{d['set_used']}", "CS CG CR"),
        ("committee", f"/campaigns/{d['c1']}/submissions", "UN"),
        ("committee", f"/submissions/{d['sub_c1_txb']}", "UN CT CG CR SE EV"),
        ("committee", f"/campaigns/{d['c2']}/progress", "CL UN CT"),
        ("committee", f"/campaigns/{d['c2']}/assignments", "UN US CF"),
        ("committee", f"/campaigns/{d['c3']}/ranking", "CL UN CT"),
        ("committee", f"/campaigns/{d['c3']}/council", "UN PN US CT CC AR"),
        ("committee", f"/campaigns/{d['c3']}/decisions", "CT DS"),
        ("committee", f"/decisions/{d['decision']}", "UN US CT DR DD DS DB CC OR OA AR"),
        ("committee", f"/decisions/{d['draft']}", "UN PN NP CT DS DB CC OR OA AR"),
        ("committee", f"/decisions/{d['decision']}/certificates", "CT CN DD AR"),
        ("committee", f"/certificates/{d['cert_valid']}/revoke", "CN DD"),
        ("committee", f"/submissions/{d['sub_c3_txb']}/result", "CL UN CT AR"),
        ("committee", f"/campaigns/{d['c3']}/objections", "UN CT OR OA OE"),
        ("committee", "/admin/audit", "US AU"),  # the cluster renamed, as JSON
        # secretary
        ("secretary", "/secretary", "US CT"),
        ("secretary", f"/submissions/{d['sub_c1_hdi']}", "UN CT CG CR SE RN EV"),
        ("secretary", f"/campaigns/{d['c3']}/council", "UN PN CT CC AR"),
        ("secretary", f"/campaigns/{d['c3']}/objections", "UN OR OA OE"),
        ("secretary", f"/campaigns/{d['c2']}/progress", "CL UN"),
        ("secretary", f"/campaigns/{d['c2']}/assignments", "UN US CF"),
        # officers
        ("officer", "/unit", "US CT UN PN NP CG"),
        ("officer", f"/submissions/{d['sub_c1_txb']}", "UN CT CG CR SE EV"),
        ("officer", f"/nominations/{d['nomination_c1']}", "UN PN CT NA NP"),
        ("officer", f"/submissions/{d['sub_c3_txb']}/result", "CL UN CT AR"),
        ("officer", f"/submissions/{d['sub_c3_person']}/result", "UN PN CT AR"),
        ("officer-hd", "/unit", "US CT UN RN CG"),
        ("officer-hd", f"/submissions/{d['sub_c1_hdi']}", "UN CT CG CR SE RN EV"),
        ("officer-hd", f"/submissions/{d['sub_c3_hdi']}/objection", "UN CT OR OA OE"),
        ("officer-hd", f"/submissions/{d['sub_c3_hdi']}/result", "CL UN CT AR"),
        # reviewers (chamcheo is also Khương Đình's officer: its draft self-assessment, an editable form)
        ("peer", f"/campaigns/{d['c1']}/self-assessment", "UN CT CG CR SE"),
        ("peer", "/review", "US CT"),
        ("peer", "/review/queue", "CL UN CT"),
        ("peer", f"/assignments/{d['peer_draft']}", "UN CT CG CR SE SC EV"),
        ("peer", f"/assignments/{d['peer_done']}", "UN CT CG CR SE SC EV"),
        ("leader", "/review", "US CT"),
        ("leader", f"/assignments/{d['leader_done']}", "UN CT CG CR SE SC EV"),
        ("leader", f"/campaigns/{d['c3']}/ranking", "CL UN CT"),
        ("leader", f"/campaigns/{d['c3']}/council", "UN PN CT CC AR"),
        # public
        ("public", f"/verify/{d['code_valid']}", "CN DD"),
        ("public", f"/verify/{d['code_revoked']}", "CN DD CV"),
        ("public", f"/verify?code={quote(q)}", "Q"),     # echoed unspaced, cut at 70 characters
        ("public", "/honour", "CT"),
        ("public", f"/honour/{d['c3_slug']}", "CT DR DD"),
        ("public", f"/honour/{d['c3_slug']}?q={quote(q)}", "CT Q"),
    ]


# ---------------------------------------------------------------------------------------------- checks

SNAPSHOT_JS = """(selector) => {
  const parts = [document.title, document.documentElement.textContent];
  const values = [...document.querySelectorAll('input, textarea')].map(el => el.value || '');
  parts.push(...values);
  const injected = [...document.querySelectorAll(selector)].map(e => e.outerHTML.slice(0, 160));
  const scripts = [...document.querySelectorAll('script')]
                   .filter(s => !s.getAttribute('src') && !/json/.test(s.getAttribute('type') || ''))
                   .map(s => s.outerHTML.slice(0, 160));
  return {text: parts.join('\\n'), values: values.join('\\n'), injected, scripts,
          marker: window.__xss === undefined ? null : String(window.__xss)};
}"""


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _check_page(page, base: str, path: str, keys: str, dialogs: list[str]) -> list[str]:
    response = page.goto(base + path)
    page.wait_for_load_state("load")
    status = response.status if response is not None else 0
    problems = [f"answered HTTP {status} (at {page.url})"] if status != 200 else []
    return problems + _inspect(page, keys, dialogs, label=path)


def _literal(key: str, text: str) -> bool:
    """The payload is in the text as typed, as JSON, without its spaces (a typed code loses them) or
    cut short with an ellipsis (at least its first 40 characters)."""
    for form in (payload(key), as_json_text(key), "".join(payload(key).split())):
        if form in text:
            return True
        at = text.find(form[:40])
        if at >= 0:
            rest = text[at:at + len(form) + 1]
            cut = rest.find("…")
            if cut >= 40 and form.startswith(rest[:cut]):
                return True
    return False


def _inspect(page, keys: str, dialogs: list[str], label: str = "") -> list[str]:
    """What the loaded page reveals: dialogs, the marker, injected markup, fields not literal."""
    problems = []
    # an attribute break-out would bring an onmouseover: fire it on every element
    page.evaluate("""() => { for (const el of document.body.querySelectorAll('*'))
                        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); }""")
    snap = page.evaluate(SNAPSHOT_JS, INJECTED_SELECTOR)
    for message in dialogs:
        problems.append(f"a dialog opened: {message!r} ({describe(key_of(message))})")
    if snap["marker"] is not None:
        problems.append(f"window.__xss = {snap['marker']!r} ({describe(snap['marker'])})")
    for html in snap["injected"]:
        problems.append(f"injected element {html!r} ({describe(key_of(html))})")
    for html in snap["scripts"]:
        problems.append(f"inline script {html!r} ({describe(key_of(html))})")
    text = snap["text"]
    if os.environ.get("XSS_REPORT"):
        shown = [k for k in FIELDS if payload(k) in text or as_json_text(k) in text]
        editable = [k for k in FIELDS if payload(k) in snap["values"]]
        print(f"  {label[:80]}: shown {' '.join(shown)}; in form fields {' '.join(editable)}")
    for key in keys.split():
        shown = as_json_text("CL") in text if key == "AU" else _literal(key, text)   # the audit log shows JSON
        if not shown:
            problems.append(f"field {describe(key)} not shown literally")
    for key in FIELDS:                  # any field shown, expected or not, must be whole
        if f"[{key}]" in text and not _literal(key, text):
            evaluated = payload(key).replace("{{7*7}}", "49") in text
            problems.append(f"field {describe(key)}: shown but not literally"
                            + (" – {{7*7}} became 49" if evaluated else " (parsed as markup?)"))
    return problems


def _context(browser):
    """A context that ignores the CSP, so that injected markup would really run."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 860}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(TIMEOUT_MS)
    # the favicon is fetched after "load": served here, so that moving on never cuts a file transfer short
    context.route("**/favicon.svg", lambda route: route.fulfill(
        status=200, content_type="image/svg+xml", body="<svg xmlns='http://www.w3.org/2000/svg'/>"))
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, dialogs


def test_the_checks_catch_an_unescaped_payload(browser):
    """Control: the same checks on a page that does NOT escape flag every vector."""
    context, page, dialogs = _context(browser)
    try:
        page.set_content(f"<p>{payload('UN')}</p><input value=\'{payload('PN')}\'>"
                         f"<a href=\"{payload('EV')}\">x</a>")
        page.wait_for_load_state("load")
        problems = "\n".join(_inspect(page, "UN", dialogs))
    finally:
        context.close()
    assert "window.__xss = 'UN'" in problems
    assert "a dialog opened: 'UN'" in problems            # <svg onload> and the <script>s
    assert "a dialog opened: 'PN'" in problems            # out of a single-quoted attribute
    assert 'injected element \'<img src="x"' in problems
    assert "injected element '<a href=\"javascript:alert" in problems
    assert "inline script \"<script>alert('UN')</script>\"" in problems
    assert "field UN = Unit.name not shown literally" in problems


def test_stored_xss_corpus_is_inert_on_every_page(live_server, browser):
    started = time.monotonic()
    data = _plant()
    by_role: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for role, path, keys in _pages(data):
        by_role[role].append((path, keys))
    failures: list[str] = []
    seen = 0
    for role, pages in by_role.items():
        context, page, dialogs = _context(browser)
        try:
            if ROLE_LOGIN[role]:
                _log_in(page, live_server, ROLE_LOGIN[role])
                if dialogs:
                    failures.append(f"[{role}] login → home: dialog {dialogs!r}")
                    dialogs.clear()
            for path, keys in pages:
                dialogs.clear()
                for problem in _check_page(page, live_server, path, keys, dialogs):
                    failures.append(f"[{role}] {path}: {problem}")
                seen += 1
        finally:
            context.close()
    elapsed = time.monotonic() - started
    if os.environ.get("XSS_REPORT"):
        print(f"\n{seen} pages in {elapsed:.1f} s")
    assert seen == len(_pages(data))
    assert not failures, f"{len(failures)} problem(s) on {seen} pages:\n" + "\n".join(failures)
