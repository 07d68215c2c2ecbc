"""Personal data removed from prompts: IINs, e-mail addresses, phone numbers and names."""

from __future__ import annotations

from lms.ai.redact import redact


def test_iin_email_and_phone_numbers_are_replaced():
    text, counts = redact("IIN 880512400321, mail a.b-c@mdai.gov.kz or call 8 (701) 555-12-34 / +77011234567.")
    assert text == "IIN [IIN], mail [email] or call [phone] / [phone]."
    assert counts == {"iin": 1, "email": 1, "phone": 2}


def test_the_asking_persons_own_name_is_removed_in_any_case():
    text, _counts = redact("қасымова asked about AI", names=("Әлия Қасымова",))
    assert text == "[name] asked about AI"


def test_names_written_as_names_are_removed_in_cyrillic_and_latin():
    assert redact("Ask Марат Оспанов about it")[0] == "Ask [name] about it"
    assert redact("John Smith wrote it")[0] == "[name] wrote it"


def test_ordinary_questions_are_left_alone():
    question = "What does the EU AI Act say about risk levels in 2024?"
    assert redact(question) == (question, {})
    assert redact("Что такое машинное обучение?") == ("Что такое машинное обучение?", {})
