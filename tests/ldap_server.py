"""A throw-away OpenLDAP server (Debian's slapd) for the directory sync tests and `make ldap-dev`.

The configuration (cn=config, made by slapadd into a folder of its own), the database and the pid file all live in
one folder; the server listens on 127.0.0.1 only. The people LDIF is generated: a tree of organisational units (one
per agency, with departments below), a line manager for everyone below the head of each agency, and some accounts
disabled Active Directory style (userAccountControl with the ACCOUNTDISABLE bit, 0x2).

    python -m tests.ldap_server [--port 3389] [--people 200] [--dir instance/ldap-dev]   # serves until Ctrl-C
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

SUFFIX = "dc=gov,dc=kz"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"
READER_DN = f"cn=lms-reader,ou=service,{SUFFIX}"
READER_PASSWORD = "reader-secret"
#: Agency code -> OU name; the people tree is ou=people,dc=gov,dc=kz with one OU per agency.
AGENCY_OUS = {"MDAI": "Digital", "MOF": "Finance", "MOE": "Education", "MOH": "Health"}
DEPARTMENTS = ("Policy", "Operations", "Analytics")

# Active Directory's userAccountControl (its OID) in a small auxiliary class, so entries carry the AD flag.
_AD_SCHEMA = """dn: cn=adaccount,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adaccount
olcAttributeTypes: ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.99999.1.1 NAME 'adAccount' SUP top AUXILIARY MAY ( userAccountControl ) )
"""


def _config_ldif(folder: Path) -> str:
    return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {folder}/slapd.pid
olcLogLevel: none

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

{_AD_SCHEMA}
dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend
olcSizeLimit: 500

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {SUFFIX}
olcRootDN: {ADMIN_DN}
olcRootPW: {ADMIN_PASSWORD}
olcDbDirectory: {folder}/data
olcDbMaxSize: 268435456
olcDbIndex: objectClass eq
# As a real directory does: at most 500 entries per plain search, any number through paged results.
olcLimits: users size.soft=500 size.hard=500 size.prtotal=unlimited
olcAccess: to attrs=userPassword by anonymous auth by * none
olcAccess: to * by users read by * none
"""


@dataclass(frozen=True)
class Person:
    """One person of the generated directory."""

    uid: str
    agency: str
    department: str | None
    full_name: str
    email: str
    title: str
    employee_number: str
    manager_uid: str | None
    disabled: bool

    @property
    def dn(self) -> str:
        return person_dn(self.uid, self.agency, self.department)


def person_dn(uid: str, agency: str, department: str | None) -> str:
    """The DN of a person in the generated tree."""
    ou = f"ou={AGENCY_OUS[agency]},ou=people,{SUFFIX}"
    return f"uid={uid},ou={department},{ou}" if department else f"uid={uid},{ou}"


_GIVEN = ("Айгүл", "Ерлан", "Дина", "Нұрлан", "Сәуле", "Асқар", "Мадина", "Бауыржан", "Ольга", "Иван")
_FAMILY = ("Әбенов", "Сейітқызы", "Иванова", "Жұмабаев", "Ким", "Оспанова", "Петров", "Нұрғалиев")


def generate_people(count: int, *, seed: int = 19, disabled_share: float = 0.03) -> list[Person]:
    """`count` people over the agencies: a head per agency, a head per department reporting to them, staff
    reporting to their department's head; about `disabled_share` of the staff disabled."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo names, not secrets
    people: list[Person] = []
    agencies = list(AGENCY_OUS)
    heads: dict[tuple[str, str | None], str] = {}
    n = 0

    def add(agency: str, department: str | None, manager: str | None, title: str, disabled: bool = False) -> str:
        nonlocal n
        n += 1
        uid = f"p{n:05d}"
        name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        people.append(Person(uid, agency, department, name, f"{uid}@{agency.lower()}.gov.kz", title,
                             f"E{n:06d}", manager, disabled))
        return uid

    for agency in agencies:
        heads[agency, None] = add(agency, None, None, "Head of agency")
        for department in DEPARTMENTS:
            heads[agency, department] = add(agency, department, heads[agency, None], "Head of department")
    while len(people) < count:
        agency = agencies[len(people) % len(agencies)]
        department = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        add(agency, department, heads[agency, department], "Specialist", rng.random() < disabled_share)
    return people


def person_ldif(person: Person) -> str:
    """The LDIF entry of one person."""
    lines = [f"dn: {person.dn}", "objectClass: inetOrgPerson", "objectClass: adAccount", f"uid: {person.uid}",
             f"cn: {person.full_name}", f"sn: {person.full_name.split()[-1]}", f"displayName: {person.full_name}",
             f"mail: {person.email}", f"title: {person.title}", f"employeeNumber: {person.employee_number}",
             # 512 NORMAL_ACCOUNT; 514 = NORMAL_ACCOUNT | ACCOUNTDISABLE
             f"userAccountControl: {514 if person.disabled else 512}"]
    if person.department:
        lines.append(f"departmentNumber: {person.department}")
    if person.manager_uid:
        manager = _BY_UID[person.manager_uid]
        lines.append(f"manager: {manager.dn}")
    return "\n".join(_b64_safe(line) for line in lines) + "\n"


_BY_UID: dict[str, Person] = {}


def _b64_safe(line: str) -> str:
    # Non-ASCII values go base64-encoded ("attr:: ..."), as LDIF requires.
    name, _sep, value = line.partition(": ")
    if value.isascii():
        return line
    import base64
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def directory_ldif(people: list[Person]) -> str:
    """The whole tree: suffix, OUs, the reader account, and the people (managers before their staff)."""
    _BY_UID.clear()
    _BY_UID.update((person.uid, person) for person in people)
    parts = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: gov\no: Government\n",
             f"dn: ou=service,{SUFFIX}\nobjectClass: organizationalUnit\nou: service\n",
             f"dn: {READER_DN}\nobjectClass: person\nobjectClass: simpleSecurityObject\ncn: lms-reader\n"
             f"sn: reader\nuserPassword: {READER_PASSWORD}\n",
             f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n"]
    for ou in AGENCY_OUS.values():
        parts.append(f"dn: ou={ou},ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}\n")
        for department in DEPARTMENTS:
            parts.append(f"dn: ou={department},ou={ou},ou=people,{SUFFIX}\nobjectClass: organizationalUnit\n"
                         f"ou: {department}\n")
    parts.extend(person_ldif(person) for person in people)
    return "\n".join(parts)


def _slapd() -> str:
    for candidate in (shutil.which("slapd"), "/usr/sbin/slapd"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("slapd is not installed (Debian: apt-get install slapd ldap-utils)")


def _tool(name: str) -> str:
    for candidate in (shutil.which(name), f"/usr/sbin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError(f"{name} is not installed (Debian: apt-get install slapd)")


class Slapd:
    """A running slapd on 127.0.0.1:`port` with its configuration and data under `folder`."""

    def __init__(self, folder: Path, ldif: str, port: int | None = None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        confdir, data = self.folder / "slapd.d", self.folder / "data"
        for path in (confdir, data):
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
        (self.folder / "config.ldif").write_text(_config_ldif(self.folder))
        (self.folder / "people.ldif").write_text(ldif)
        subprocess.run([_tool("slapadd"), "-n", "0", "-F", str(confdir), "-l", str(self.folder / "config.ldif")],
                       check=True, capture_output=True)
        subprocess.run([_tool("slapadd"), "-q", "-F", str(confdir), "-b", SUFFIX, "-l",
                        str(self.folder / "people.ldif")], check=True, capture_output=True)
        self.process = subprocess.Popen([_slapd(), "-d", "0", "-h", f"{self.url}/", "-F", str(confdir)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {self.process.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("slapd did not start listening within 20 s") from None
                time.sleep(0.1)

    def ldap(self, tool: str, ldif: str) -> None:
        """Run ldapmodify/ldapadd/ldapdelete as the directory's administrator with `ldif` on stdin."""
        subprocess.run([shutil.which(tool) or tool, "-x", "-H", self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
                       input=ldif.encode(), check=True, capture_output=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a demo directory for `lms directory sync`.")
    parser.add_argument("--port", type=int, default=3389)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--dir", default="instance/ldap-dev")
    args = parser.parse_args()
    folder = Path(args.dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = Slapd(folder, directory_ldif(generate_people(args.people)), port=args.port)
    password_file = folder / "reader-password"
    password_file.write_text(READER_PASSWORD)
    password_file.chmod(0o600)
    print(f"A demo directory of {args.people} people serves {server.url} (data in {folder}); Ctrl-C stops it.")
    print(f"Bind DN {READER_DN}, password in {password_file}. Agencies: {', '.join(AGENCY_OUS)}.")
    # Ctrl-C or a TERM (make stopped by a timeout) stops slapd with it.
    signal.signal(signal.SIGTERM, lambda *_args: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
