"""Quizzes: grading and drawing questions for attempts."""
