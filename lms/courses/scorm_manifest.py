"""A SCORM package's imsmanifest.xml: parsed without DTDs or entities, its version, title and launch file found.

SCORM 1.2 and SCORM 2004 (2nd to 4th edition) manifests are read. One lesson runs one SCO: the first item of the
default organization that refers to a resource (a warning names the others). SCORM 2004 sequencing and navigation
rules are not applied (a warning says so when a manifest has them): packages run with the runtime data model only.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.sax
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.expatreader import DefusedExpatParser

from lms.courses.problems import Collector

MANIFEST = "imsmanifest.xml"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
#: Namespaces of SCORM 2004 sequencing and navigation, which this platform does not apply.
SEQUENCING = ("http://www.imsglobal.org/xsd/imsss", "http://www.adlnet.org/xsd/adlseq_v1p3",
              "http://www.adlnet.org/xsd/adlnav_v1p3")
XML_NS = "http://www.w3.org/XML/1998/namespace"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Node:
    """An element of the manifest: local name, namespace, attributes by local name (and namespace), text, line."""

    name: str
    namespace: str | None
    attrs: dict[tuple[str | None, str], str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def attr(self, local: str, namespace: str | None = None) -> str | None:
        """The attribute `local` in `namespace` (None: no namespace)."""
        return self.attrs.get((namespace, local))

    def any_attr(self, *locals_: str) -> str | None:
        """The first attribute with one of these local names, in any namespace (authoring tools disagree on case)."""
        for (_ns, local), value in self.attrs.items():
            if local in locals_:
                return value
        return None

    def find(self, name: str) -> Node | None:
        """The first child element called `name`."""
        return next((child for child in self.children if child.name == name), None)

    def find_all(self, name: str) -> list[Node]:
        """The child elements called `name`."""
        return [child for child in self.children if child.name == name]

    def walk(self):
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


class _Builder(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []
        self._locator = None

    def setDocumentLocator(self, locator):
        self._locator = locator

    def startElementNS(self, name, qname, attrs):
        namespace, local = name
        node = Node(local, namespace, dict(attrs.items()), self._locator.getLineNumber() if self._locator else 1)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElementNS(self, name, qname):
        node = self.stack.pop()
        node.text = node.text.strip()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


@dataclass(frozen=True)
class Manifest:
    """What the platform needs from a manifest."""

    version: str
    launch: str
    title: str
    mastery_score: str | None
    launch_data: str | None


def parse(data: bytes, where: Path, out: Collector) -> Node | None:
    """The manifest's elements, or None with the problem reported at its line (no DTD, no entities)."""
    builder = _Builder()
    parser = DefusedExpatParser(namespaceHandling=1, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(builder)
    parser.setErrorHandler(xml.sax.handler.ErrorHandler())
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as exc:
        out.error(where, exc.getLineNumber(), f"not well-formed XML: {exc.getMessage()}")
        return None
    except (DTDForbidden, EntitiesForbidden):
        out.error(where, parser.getLineNumber(), f"{MANIFEST} may not have a DOCTYPE or declare entities "
                                                 "(external entities are refused)")
        return None
    except DefusedXmlException:
        out.error(where, parser.getLineNumber(), f"{MANIFEST} may not refer to external entities")
        return None
    return builder.root


def _version(root: Node, where: Path, out: Collector) -> str | None:
    metadata = root.find("metadata")
    schema_version = metadata.find("schemaversion") if metadata is not None else None
    text = schema_version.text if schema_version is not None else ""
    if text == "1.2":
        return "1.2"
    if "2004" in text or "1.3" in text:
        return "2004"
    namespaces = {node.namespace for node in root.walk()} | {ns for node in root.walk() for ns, _ in node.attrs}
    if ADLCP_2004 in namespaces:
        return "2004"
    if ADLCP_12 in namespaces:
        return "1.2"
    line = schema_version.line if schema_version is not None else root.line
    shown = f"schemaversion is {text!r}" if text else "there is no metadata/schemaversion and no ADL namespace"
    out.error(where, line, f"cannot tell the SCORM version: {shown} (expected 1.2, CAM 1.3 or 2004 ...)")
    return None


def _launchable(organization: Node | None) -> list[Node]:
    if organization is None:
        return []
    return [node for node in organization.walk() if node.name == "item" and node.attr("identifierref")]


def _joined(*parts: str | None) -> str:
    # xml:base of <resources> and <resource>, then href: plain relative paths joined as the specification says.
    path = ""
    for part in parts:
        if part:
            path = part if not path else posixpath.join(path if path.endswith("/") else path + "/", part)
    return path


def read_manifest(data: bytes, where: Path, files: set[str], out: Collector) -> Manifest | None:
    """Parse the manifest at `where` (inside a package holding `files`); report problems; return its facts."""
    root = parse(data, where, out)
    if root is None:
        return None
    if root.name != "manifest":
        out.error(where, root.line, f"the root element is <{root.name}>; a SCORM manifest starts with <manifest>")
        return None
    version = _version(root, where, out)
    organizations = root.find("organizations")
    chosen = None
    if organizations is not None:
        all_orgs = organizations.find_all("organization")
        default = organizations.attr("default")
        chosen = next((org for org in all_orgs if org.attr("identifier") == default), all_orgs[0] if all_orgs else None)
    resources_node = root.find("resources")
    resources = {r.attr("identifier"): r for r in resources_node.find_all("resource")} if resources_node else {}
    items = _launchable(chosen)
    if items:
        item = items[0]
        resource = resources.get(item.attr("identifierref"))
        if resource is None:
            out.error(where, item.line, f"item {item.attr('identifier')!r} refers to resource "
                                        f"{item.attr('identifierref')!r}, which the manifest does not define")
            return None
    else:  # a package without an organization: its first SCO resource
        item = None
        resource = next((r for r in resources.values() if (r.any_attr("scormtype", "scormType") or "").lower()
                         == "sco" and r.attr("href")), None)
        if resource is None:
            out.error(where, (organizations or root).line, "the manifest has no item or SCO resource to launch")
            return None
    if len(items) > 1:
        out.warning(where, items[1].line, f"the package has {len(items)} launchable items; only the first, "
                                          f"{items[0].attr('identifier')!r}, is run (one SCO per lesson)")
    launch = _launch(resources_node, resource, where, files, out)
    for node in root.walk():
        if node.namespace in SEQUENCING:
            out.warning(where, node.line, "SCORM 2004 sequencing and navigation rules are ignored: the package runs "
                                          "with the SCORM 2004 runtime data model only")
            break
    if version is None or launch is None:
        return None
    title_node = chosen.find("title") if chosen is not None else None
    title = (title_node.text if title_node is not None else "") or root.attr("identifier") or launch
    mastery = _child_text(item, "masteryscore")
    launch_data = _child_text(item, "datafromlms", "dataFromLMS")
    return Manifest(version=version, launch=launch, title=title[:300], mastery_score=mastery, launch_data=launch_data)


def _child_text(item: Node | None, *names: str) -> str | None:
    """The text of the item's first child element with one of these names (adlcp:masteryscore, ...), or None."""
    if item is None:
        return None
    node = next((child for child in item.children if child.name in names), None)
    return node.text[:4096] if node is not None and node.text else None


def _launch(resources_node: Node | None, resource: Node, where: Path, files: set[str], out: Collector) -> str | None:
    href = resource.attr("href")
    if not href:
        out.error(where, resource.line, f"resource {resource.attr('identifier')!r} has no href: nothing to launch")
        return None
    base = _joined(resources_node.attr("base", XML_NS) if resources_node is not None else None,
                   resource.attr("base", XML_NS))
    full = _joined(base, href)
    if _SCHEME.match(full) or full.startswith("//"):
        out.error(where, resource.line, f"the launch address {full!r} is outside the package; the launch file must "
                                        "be in the zip")
        return None
    path, _, query = full.partition("?")
    path = unquote(path.partition("#")[0])
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
        out.error(where, resource.line, f"the launch file {path!r} must be a plain relative path inside the "
                                        "package (no leading /, no `..`)")
        return None
    if path not in files:
        out.error(where, resource.line, f"the launch file {path} is not in the package")
        return None
    for file_node in resource.find_all("file"):
        listed = _joined(base, file_node.attr("href") or "").partition("?")[0]
        if listed and not _SCHEME.match(listed) and unquote(listed) not in files:
            out.warning(where, file_node.line, f"file {listed} listed in the manifest is not in the package")
            break
    return path + (f"?{query}" if query else "")
