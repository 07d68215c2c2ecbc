"""Competencies: the evidence a passed final quiz gives, and each learner's competency profile."""

from flask import Blueprint

bp = Blueprint("competencies", __name__)
