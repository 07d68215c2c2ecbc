"""SVG files are parsed (no DTD, no entities) and must use only known-safe SVG elements and attributes.

An allow-list, not a search for bad words: every element must be an SVG element from ELEMENTS, every attribute one
of ATTRIBUTES (no namespace) or of the few XLink/XML ones in NAMESPACED_ATTRIBUTES, so anything in another namespace
(`<h:script>` in the XHTML namespace, `inkscape:label`), scripts, event handlers, foreignObject and animation
(which can set an href to javascript:) is refused. Links (href, xlink:href, url(...) in styles and paint) may only
point to a #fragment of the same file or to a data:image of a raster format.
"""

from __future__ import annotations

import io
import re
import xml.sax
from dataclasses import dataclass

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.expatreader import DefusedExpatParser

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NAMESPACE_PREFIXES = {SVG_NS: "", XLINK_NS: "xlink:", XML_NS: "xml:"}
#: Most problems reported per file: one bad exporter setting can touch every element.
MAX_PROBLEMS = 10

#: Static SVG: structure, shapes, text, paint servers, clipping, masking, filters and raster images.
#: Not here, so refused: script, foreignObject, a, animate, animateMotion, animateTransform, set, discard, mpath,
#: iframe, video, audio, canvas, and every element of another namespace.
ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "image", "marker", "pattern", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "view",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB",
    "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
}

#: Attributes without a namespace. No on* event handlers, no attributeName/values/to/from (animation).
ATTRIBUTES = {
    # core, styling and accessibility
    "id", "class", "style", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
    "aria-roledescription", "focusable", "systemLanguage", "requiredExtensions", "version", "baseProfile",
    # geometry
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height", "d",
    "points", "pathLength", "transform", "transform-origin", "viewBox", "preserveAspectRatio", "href",
    # presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display",
    "visibility", "overflow", "clip", "clip-path", "clip-rule", "mask", "filter", "vector-effect", "paint-order",
    "shape-rendering", "text-rendering", "image-rendering", "color-interpolation", "color-interpolation-filters",
    "color-rendering", "mix-blend-mode", "isolation", "flood-color", "flood-opacity", "lighting-color",
    "stop-color", "stop-opacity", "marker-start", "marker-mid", "marker-end", "cursor",
    # text
    "font-family", "font-size", "font-size-adjust", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "text-decoration", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "writing-mode", "direction", "unicode-bidi", "dx", "dy", "rotate",
    "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
    # markers, paint servers, clipping and masking
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient", "gradientUnits", "gradientTransform",
    "spreadMethod", "offset", "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits",
    "maskUnits", "maskContentUnits", "type", "media",
    # filters
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "operator", "k1", "k2", "k3",
    "k4", "values", "tableValues", "slope", "intercept", "amplitude", "exponent", "scale", "xChannelSelector",
    "yChannelSelector", "baseFrequency", "numOctaves", "seed", "stitchTiles", "radius", "order", "kernelMatrix",
    "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale", "diffuseConstant",
    "specularConstant", "specularExponent", "kernelUnitLength", "azimuth", "elevation", "pointsAtX", "pointsAtY",
    "pointsAtZ", "limitingConeAngle", "z",
}
#: Attributes in a namespace that are allowed: (namespace, local name).
NAMESPACED_ATTRIBUTES = {(XLINK_NS, "href"), (XLINK_NS, "title"), (XML_NS, "space"), (XML_NS, "lang")}
LINK_ATTRIBUTES = {(None, "href"), (XLINK_NS, "href")}

_FRAGMENT = re.compile(r"^#[A-Za-z_][\w.:-]*$")
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_ACTIVE = re.compile(r"@import|expression\s*\(|javascript:|-moz-binding|behavior\s*:", re.IGNORECASE)
#: A CSS escape (\6a) could spell "url" or "javascript" past the checks above; diagrams never need one.
_CSS_ESCAPE = re.compile(r"\\")


@dataclass(frozen=True)
class SVGProblem:
    """A problem in an SVG file at a 1-based line."""

    line: int
    message: str


def _safe_link(value: str) -> bool:
    value = value.strip()
    return bool(_FRAGMENT.match(value) or _DATA_IMAGE.match(value))


def _css_problem(text: str) -> str | None:
    """Why CSS text (a style attribute, a <style> element, a paint value) is refused, or None."""
    if _CSS_ACTIVE.search(text) or _CSS_ESCAPE.search(text):
        return "may not use @import, escapes, expressions or javascript:"
    for _quote, target in _URL.findall(text):
        if not _safe_link(target):
            return f"url({target}) may only point to a #fragment or a data:image"
    if re.search(r"url\s*\(", text, re.IGNORECASE) and not _URL.search(text):
        return "has a url( that is not closed"
    return None


class _Checker(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.problems: list[SVGProblem] = []
        self.depth = 0
        self.style_text: list[str] | None = None
        self.style_line = 0
        self.prefixes: list[tuple[str | None, str]] = []  # (prefix, namespace) in scope, innermost last
        self._locator = None

    def startPrefixMapping(self, prefix, uri):
        self.prefixes.append((prefix, uri))

    def endPrefixMapping(self, prefix):
        for i in range(len(self.prefixes) - 1, -1, -1):
            if self.prefixes[i][0] == prefix:
                del self.prefixes[i]
                break

    def shown(self, namespace: str | None, local: str) -> str:
        """The name as the file writes it (h:script), for messages."""
        if namespace in NAMESPACE_PREFIXES:
            return NAMESPACE_PREFIXES[namespace] + local
        for prefix, uri in reversed(self.prefixes):
            if uri == namespace:
                return f"{prefix}:{local}" if prefix else local
        return local

    def setDocumentLocator(self, locator):
        self._locator = locator

    def line(self) -> int:
        return self._locator.getLineNumber() if self._locator else 1

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(SVGProblem(line or self.line(), message))

    def startElementNS(self, name, qname, attrs):
        namespace, local = name
        shown = self.shown(namespace, local)
        self.depth += 1
        if name == (SVG_NS, "style"):
            self.style_text, self.style_line = [], self.line()
        if self.depth == 1 and name != (SVG_NS, "svg"):
            self.problem(f'the root element is <{shown}>; it must be <svg xmlns="{SVG_NS}">')
            return
        if namespace != SVG_NS:
            where = f"namespace {namespace}" if namespace else "no namespace"
            self.problem(f"element <{shown}> ({where}) is not allowed in an SVG file")
            return
        if local not in ELEMENTS:
            self.problem(f"element <{local}> is not allowed in an SVG file "
                         "(no scripts, foreignObject, links or animation)")
            return
        for (attr_ns, attr_local), value in attrs.items():
            attr = self.shown(attr_ns, attr_local) if attr_ns else attr_local
            if attr_ns is None and attr_local.lower().startswith("on"):
                self.problem(f"event handler attribute {attr} is not allowed in an SVG file")
            elif (attr_ns is None and attr_local not in ATTRIBUTES) or (
                    attr_ns is not None and (attr_ns, attr_local) not in NAMESPACED_ATTRIBUTES):
                self.problem(f"attribute {attr} of <{local}> is not allowed in an SVG file")
            elif (attr_ns, attr_local) in LINK_ATTRIBUTES:
                if not _safe_link(value):
                    self.problem(f"{attr}={value!r}: links in an SVG file may only point to a #fragment "
                                 "or a data:image (png, jpeg, gif, webp)")
            elif why := _css_problem(value):
                self.problem(f"{attr} of <{local}> {why}")

    def endElementNS(self, name, qname):
        self.depth -= 1
        if name == (SVG_NS, "style") and self.style_text is not None:
            why = _css_problem("".join(self.style_text))
            if why:
                self.problem(f"<style> {why}", self.style_line)
            self.style_text = None

    def characters(self, content):
        if self.style_text is not None:
            self.style_text.append(content)

    def processingInstruction(self, target, data):
        self.problem(f"processing instructions (<?{target} ...?>) are not allowed in an SVG file")


def check_svg(data: bytes) -> list[SVGProblem]:
    """Every problem that keeps `data` from being a safe, static SVG file (empty when it is one)."""
    checker = _Checker()
    parser = DefusedExpatParser(namespaceHandling=1, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(checker)
    parser.setErrorHandler(xml.sax.handler.ErrorHandler())
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as exc:
        checker.problem(f"not well-formed XML: {exc.getMessage()}", exc.getLineNumber())
    except DTDForbidden:
        checker.problem("an SVG file may not have a DOCTYPE (DTD)", parser.getLineNumber())
    except EntitiesForbidden:
        checker.problem("an SVG file may not declare entities", parser.getLineNumber())
    except DefusedXmlException:
        checker.problem("an SVG file may not refer to external entities", parser.getLineNumber())
    return checker.problems[:MAX_PROBLEMS]
