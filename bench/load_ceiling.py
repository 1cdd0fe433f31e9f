"""The ceiling for ``bench/load.py``: the smallest Flask app, served by the same gunicorn settings.

``GET /hello`` answers a short page; ``POST /echo`` reads the form (and any file) and answers
its size. ``bench/load.py`` serves it with ``gunicorn --workers 2 load_ceiling:app`` (sync
workers, as ``emulation serve`` does) and runs the same locust scenario shape against it.
"""
from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "<!doctype html><html lang=\"vi\"><title>Xin chào</title><p>Xin chào</p></html>"


@app.post("/echo")
def echo():
    size = sum(len(v) for v in request.form.values()) + sum(len(f.read()) for f in request.files.values())
    return str(size)


@app.get("/health")
def health():
    return "ok"
