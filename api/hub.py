from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hub", __name__, url_prefix="/hub")
