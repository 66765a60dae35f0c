"""The studio's pages. Each reads and writes through the JSON API (``client``) and
renders what it answered; a refusal is shown on the form, with the field marked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from api.studio import bp, client, lang, sign_in_with, t
from api.studio.words import STATUS, word

LAYOUT = Path(__file__).resolve().parents[2] / "media" / "assets" / "layouts" / "standard_9x16.json"
SIGNALS = ("gmv", "orders", "product_clicks", "comments")
PROMOTION_KINDS = ("discount", "voucher", "flash_sale", "bundle", "free_shipping")


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(template, **context), status


def _me() -> dict[str, Any]:
    return client.get("/me").body


@bp.route("/signin", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """Sign in with an API key."""
    if request.method == "POST":
        if sign_in_with(request.form.get("key", "")):
            target = request.args.get("next") or ""
            return redirect(target if target.startswith("/studio/") else
                            url_for("studio.overview"))
        return _page("signin.html", 401, error=t("bad_key"))
    return _page("signin.html")


@bp.post("/signout")
def sign_out() -> ResponseReturnValue:
    """End the studio session."""
    session.clear()
    return redirect(url_for("studio.sign_in"))


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("studio.overview"))


@bp.get("/overview")
def overview() -> ResponseReturnValue:
    """Performance (last 7 days with comparison, or a custom range), actions, plans."""
    period = request.args.get("period", "last_7_days")
    query: dict[str, Any] = {"period": period}
    if period == "custom":
        zone = _me().get("time_zone", "Asia/Jakarta")
        query.update({"from": _day_start(request.args.get("from"), zone),
                      "to": _day_start(request.args.get("to"), zone, after=True)})
    metrics = client.get("/metrics/overview", **query)
    return _page("overview.html", period=period, metrics=metrics,
                 actions=client.get("/actions").body.get("items", []),
                 active=client.get("/plans", status="active").body.get("items", []),
                 completed=client.get("/plans", status="completed").body.get("items", []),
                 teaser_metrics=client.get("/metrics/teasers").body)


def _day_start(day: str | None, zone: str, *, after: bool = False) -> str | None:
    """A date picked on the overview as the start of that day (``after``: of the next
    day, so the "to" day is included) in the seller's zone; the text itself when it is
    no date, so the API says what it expects."""
    if not day:
        return None
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(zone))
    except (ValueError, KeyError):
        return day
    return (start + timedelta(days=1 if after else 0)).isoformat()


def _catalogue() -> dict[str, Any]:
    return client.get("/catalogue").body


@bp.get("/plans")
def plans() -> ResponseReturnValue:
    """Active and completed plans, newest first."""
    return _page("plans.html",
                 active=client.get("/plans", status="active").body.get("items", []),
                 completed=client.get("/plans", status="completed").body.get("items", []))


def _plan_body(form: Any, zone: str) -> dict[str, Any]:
    start = form.get("start", "")
    try:
        local = datetime.fromisoformat(start)
    except ValueError:
        pass  # the API names the field and says what it expects
    else:
        try:
            start = local.replace(tzinfo=ZoneInfo(zone)).isoformat()
        except (ValueError, KeyError):
            # an unknown zone: the plan rules refuse it by name (time_zone), which a
            # start without an offset would hide behind a refusal of the start
            start = local.replace(tzinfo=UTC).isoformat()
    duration = form.get("duration_minutes", "")
    return {"title": form.get("title", ""), "description": form.get("description", ""),
            "start": start, "time_zone": zone,
            "duration_minutes": int(duration) if duration.isdigit() else duration,
            "product_ids": form.getlist("product_ids"),
            "promotion_tool_ids": form.getlist("promotion_tool_ids"),
            "auto_teasers": form.get("auto_teasers") == "on"}


@bp.route("/plans/new", methods=["GET", "POST"])
def new_plan() -> ResponseReturnValue:
    """The plan form; on a refusal the form comes back filled in, the field marked."""
    me = _me()
    zone = request.form.get("time_zone") or me.get("time_zone", "Asia/Jakarta")
    answer = None
    if request.method == "POST":
        answer = client.call("POST", "/plans", json_body=_plan_body(request.form, zone))
        if answer.ok:
            flash(t("saved"))
            return redirect(url_for("studio.plan", plan_id=answer.body["id"]))
    return _page("plan_new.html", 422 if answer else 200, catalogue=_catalogue(),
                 form=request.form, zone=zone, answer=answer)


@bp.get("/plans/<plan_id>")
def plan(plan_id: str) -> ResponseReturnValue:
    """A plan: readiness, tips, teaser slots and when to post each, editable products."""
    answer = client.get(f"/plans/{plan_id}")
    if not answer.ok:
        return _page("error.html", answer.status, answer=answer)
    return _plan_page(answer.body)


def _plan_page(plan: dict[str, Any], refused: client.Answer | None = None
               ) -> ResponseReturnValue:
    """A plan's page, with the refusal of a change on it when there is one."""
    teasers = client.get("/teasers", plan_id=plan["id"]).body.get("items", [])
    return _page("plan.html", 422 if refused else 200, plan=plan, catalogue=_catalogue(),
                 teasers=teasers, answer=refused, form=request.form if refused else None)


@bp.post("/plans/<plan_id>/edit")
def edit_plan(plan_id: str) -> ResponseReturnValue:
    """Change the featured products and promotion tools (all a plan lets change)."""
    answer = client.call("PATCH", f"/plans/{plan_id}", json_body={
        "product_ids": request.form.getlist("product_ids"),
        "promotion_tool_ids": request.form.getlist("promotion_tool_ids")})
    if answer.ok:
        flash(t("saved"))
        return redirect(url_for("studio.plan", plan_id=plan_id))
    current = client.get(f"/plans/{plan_id}")
    if not current.ok:
        return _page("error.html", current.status, answer=current)
    return _plan_page(current.body, answer)


@bp.post("/plans/<plan_id>/delete")
def delete_plan(plan_id: str) -> ResponseReturnValue:
    """Delete a plan (the API says what happens to its teasers)."""
    answer = client.call("DELETE", f"/plans/{plan_id}")
    if not answer.ok:
        return _page("error.html", answer.status, answer=answer)
    flash(t("plan_deleted"))
    return redirect(url_for("studio.plans"))


@bp.route("/teasers", methods=["GET", "POST"])
def teasers() -> ResponseReturnValue:
    """The seller's teasers and the form to ask for one."""
    answer = None
    if request.method == "POST":
        body: dict[str, Any] = {"music": request.form.get("music") or "auto",
                                "lang": request.form.get("lang") or None}
        source = request.form.get("source", "")
        kind, _, ident = source.partition(":")
        body["session_id" if kind == "session" else "footage_id"] = ident or None
        if request.form.get("plan_id"):
            body["plan_id"] = request.form["plan_id"]
            body["slot"] = request.form.get("slot") or None
        answer = client.call("POST", "/teasers", json_body=body)
        if answer.ok:
            return redirect(url_for("studio.teaser", teaser_id=answer.body["id"]))
    sort = request.args.get("sort", "gmv")
    return _page("teasers.html", 422 if answer else 200, answer=answer, sort=sort,
                 items=client.get("/teasers").body.get("items", []),
                 sessions=client.get("/sessions", sort=sort).body.get("items", []),
                 footage=client.get("/footage", status="ready").body.get("items", []),
                 plans=client.get("/plans", status="active").body.get("items", []),
                 music=client.get("/music").body, form=request.form)


def _chart(session_id: str | None, segments: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The session's signals over time as polylines (0..1 per signal) with the chosen
    stretches, for an inline SVG."""
    if not session_id:
        return None
    rows = client.get(f"/sessions/{session_id}/timeline").body.get("rows") or []
    if not rows:
        return None
    end = max(float(r.get("t", 0)) for r in rows) or 1.0
    lines = {}
    for name in SIGNALS:
        values = [float(r.get(name) or 0) for r in rows]
        top = max(values) or 1.0
        lines[name] = " ".join(f"{float(r.get('t', 0)) / end * 1000:.1f},"
                               f"{100 - v / top * 95:.1f}" for r, v in zip(rows, values,
                                                                             strict=True))
    marks = [{"x": s["start"] / end * 1000, "w": max(2.0, (s["end"] - s["start"]) / end * 1000)}
             for s in segments]
    return {"lines": lines, "marks": marks, "end_s": end}


def _stage_words() -> dict[str, str]:
    return {code: word(code, lang()) for code in STATUS}


@bp.get("/teasers/<teaser_id>")
def teaser(teaser_id: str) -> ResponseReturnValue:
    """Progress while rendering; then the player, the moments and why, the poster."""
    answer = client.get(f"/teasers/{teaser_id}")
    if not answer.ok:
        return _page("error.html", answer.status, answer=answer)
    return _teaser_page(answer.body)


@lru_cache(maxsize=1)
def _layout() -> dict[str, Any]:
    """The player layout the overlay draws (read once per process)."""
    return dict(json.loads(LAYOUT.read_text())) if LAYOUT.exists() else {}


def _teaser_page(teaser: dict[str, Any], refused: client.Answer | None = None
                 ) -> ResponseReturnValue:
    """A teaser's page, with the refusal of its posting on it when there is one."""
    return _page("teaser.html", 422 if refused else 200, teaser=teaser, layout=_layout(),
                 stage_words=_stage_words(), answer=refused,
                 form=request.form if refused else None,
                 chart=_chart(teaser["source"].get("session_id"), teaser.get("segments", [])))


@bp.post("/teasers/<teaser_id>/posting")
def post_teaser(teaser_id: str) -> ResponseReturnValue:
    """Caption and video preferences before posting, and when to post."""
    form = request.form
    body: dict[str, Any] = {"caption": form.get("caption", ""), "preferences": {
        "visibility": form.get("visibility", "everyone"),
        "allow_comments": form.get("allow_comments") == "on",
        "allow_duet": form.get("allow_duet") == "on",
        "allow_stitch": form.get("allow_stitch") == "on"}}
    if form.get("post_at"):
        zone = _me().get("time_zone", "Asia/Jakarta")
        try:
            body["post_at"] = datetime.fromisoformat(form["post_at"]).replace(
                tzinfo=ZoneInfo(zone)).isoformat()
        except ValueError:
            body["post_at"] = form["post_at"]
    answer = client.call("PUT", f"/teasers/{teaser_id}/posting", json_body=body)
    if answer.ok:
        flash(t("saved"))
        return redirect(url_for("studio.teaser", teaser_id=teaser_id))
    return _teaser_page(client.get(f"/teasers/{teaser_id}").body, answer)


@bp.get("/footage")
def footage() -> ResponseReturnValue:
    """Uploads with their ingest state, and the drop zone."""
    return _page("footage.html", items=client.get("/footage").body.get("items", []))


@bp.get("/hub")
def hub() -> ResponseReturnValue:
    """The Inspiration Hub's list: sort, L1 category, username, period."""
    query = {k: request.args.get(k) for k in ("sort", "category", "q")}
    answer = client.get("/hub/sessions", **query)
    categories = client.get("/hub/categories")
    return _page("hub.html", answer.status if not answer.ok else 200, answer=answer,
                 query=query, categories=categories.body.get("items", [])
                 if categories.ok else [], me=_me())


@bp.get("/hub/<session_id>")
def hub_session(session_id: str) -> ResponseReturnValue:
    """One hub session: its 3 key highlights, potential products and clips."""
    answer = client.get(f"/hub/sessions/{session_id}")
    if not answer.ok:
        return _page("error.html", answer.status, answer=answer)
    return _page("hub_session.html", entry=answer.body)


@bp.post("/privacy")
def privacy() -> ResponseReturnValue:
    """Turn "show my LIVE metrics and recordings" on or off."""
    answer = client.call("PUT", "/me/privacy",
                         json_body={"show_in_hub": request.form.get("show_in_hub") == "on"})
    if answer.ok:
        flash(t("saved"))
    return redirect(url_for("studio.hub"))


@bp.get("/ops")
def ops() -> ResponseReturnValue:
    """Regeneration batches with their progress counts, queue depths and recent
    failures with reasons (ops keys only: the API refuses others)."""
    answer = client.get("/ops/queues")
    batches = client.get("/ops/regenerations").body.get("items", []) if answer.ok else []
    return _page("ops.html", answer.status if not answer.ok else 200, answer=answer,
                 batches=batches)


@bp.route("/api/v1/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def api(rest: str) -> ResponseReturnValue:
    """The page scripts' way to the JSON API (upload progress, job progress, the
    player's video), as the signed-in seller; changing calls need the CSRF header."""
    return client.forward(rest)


def local_input(iso: str | None, zone: str) -> str:
    """An API time as the value of a ``datetime-local`` input in ``zone``."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def in_zone(iso: str | None, zone: str) -> str:
    """An API time shown in the seller's zone."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%d %b %Y %H.%M")


@bp.app_template_filter("local")
def _local(iso: str | None, zone: str = "Asia/Jakarta") -> str:
    return in_zone(iso, zone)


@bp.app_template_filter("money")
def _money(value: dict[str, Any] | None) -> str:
    if not value:
        return t("no_data")
    return f"{value.get('currency', '')} {value.get('amount', '')}"


@bp.app_template_filter("pct")
def _pct(value: Any) -> str:
    return t("no_data") if value is None else f"{value} %"


def default_start(zone: str) -> str:
    """Tomorrow 19.00 in ``zone``: a sane default for the start field."""
    local = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    return local.replace(hour=19, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


@bp.app_context_processor
def _page_helpers() -> dict[str, Any]:
    return {"default_start": default_start, "promotion_kinds": PROMOTION_KINDS}
