"""Pure domain rules (DESIGN §3–§5): criteria, scoring, ranking, awards, assignment.

No flask, no peewee: plain values in, frozen dataclasses out.
"""
