"""The studio's page to steer a teaser: each moment's cut points (to move), another
candidate of the ranking to swap in, the music and the sticker's language; sent to
``PUT /v1/teasers/{id}/edit``, whose rules and words a refusal shows, the field marked.
After a re-render is queued the teaser's page shows its progress, and the version being
served plays until the new one is ready."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from api.studio import bp, client, t
from api.studio.pages import _page


def _number(text: str) -> float | str:
    """A number typed in a form (a comma as the decimal mark too); the text itself when
    it is none, so the API names the field."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return text


def _edited(form: Any, edit: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The moments as the form left them: a candidate swapped in where one was picked,
    else the cut points as typed; ``None`` when the seller changed none (then the ranking
    keeps choosing them, as for a music or language change)."""
    candidates = edit.get("candidates") or []
    out, changed = [], False
    for i, served in enumerate(edit.get("segments") or []):
        pick = form.get(f"swap.{i}", "")
        if pick.isdigit() and int(pick) < len(candidates):
            chosen = candidates[int(pick)]
            out.append({"start": chosen["start"], "end": chosen["end"]})
            changed = True
            continue
        typed = {side: form.get(f"segments.{i}.{side}", "") for side in ("start", "end")}
        kept = {side: typed[side] == f"{served[side]:.1f}" for side in typed}
        changed |= not all(kept.values())
        # a cut point left as shown is sent as served, not as its rounding to 0.1 s (four
        # moments' roundings could take a teaser at 35.0 s under the rules)
        out.append({side: float(served[side]) if kept[side] else _number(text)
                    for side, text in typed.items()})
    return out if changed else None


@bp.route("/teasers/<teaser_id>/edit", methods=["GET", "POST"])
def steer(teaser_id: str) -> ResponseReturnValue:
    """The teaser's moments, the other candidates, music and sticker language."""
    edit = client.get(f"/teasers/{teaser_id}/edit")
    if not edit.ok:
        return _page("error.html", edit.status, answer=edit)
    answer = None
    if request.method == "POST":
        answer = client.call("PUT", f"/teasers/{teaser_id}/edit", json_body={
            "segments": _edited(request.form, edit.body),
            "music": request.form.get("music") or None,
            "lang": request.form.get("lang") or None})
        if answer.ok:
            flash(t("rerender_queued") if answer.status == 202 else t("nothing_changed"))
            return redirect(url_for("studio.teaser", teaser_id=teaser_id))
    return _page("steer.html", 422 if answer else 200, edit=edit.body, answer=answer,
                 form=request.form, teaser_id=teaser_id, music=client.get("/music").body)
