"""What a certificate says, independent of how it is rendered (PDF) or signed (Open Badges credential)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CertificateData:
    """The facts printed on a certificate and put into its credential, in one language."""

    serial: str  # display form, e.g. "K7QF-2M9D-...-X"
    learner_name: str  # as it was at issue
    course_title: str  # in the certificate's language
    agency_name: str | None  # the learner's own agency (e.g. a department)
    issued_at: datetime  # UTC, aware
    study_minutes: int  # the course's estimated study time
    language: str  # kk | ru | en
    issuer_name: str
    verify_url: str  # the public verification page of this certificate
    expires_at: datetime | None = None
    #: The top of the agency's chain (e.g. the ministry of a department); None when the agency is itself the top.
    top_agency_name: str | None = None
    #: A programme certificate (the title is the programme's): "has completed the programme".
    is_programme: bool = False
