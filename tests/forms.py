"""Post what a page renders, and nothing else.

A view test that posts a hand-written dict can require, or send, a field the page never shows:
the test passes and a person with a browser gets a 400. Here a test GETs the page, parses its
<form> the way a browser reads it, and submits those fields only:

    form = rendered_form(client, f"/events/{event.id}/sessions/new")
    form.fill(title="Opening", start_time="13:00")  # KeyError for a field the page lacks
    response = form.submit(button="submit")

``fill`` accepts only values a person could give: one of the rendered options for selects,
radios and checkboxes, any text for the other inputs. ``forge`` sends any value to a field the
page renders (a tampered or stale request), still never a field it does not render.

Only the standard library parses the page (html.parser).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urljoin
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

NOT_SUBMITTED = {"file", "image", "reset", "button"}


@dataclass
class Control:
    """One named thing in a form: an input, a group of radios or checkboxes, a select or a
    textarea. ``values`` is what the browser would send now; ``options`` the values a person
    can choose (None: free text)."""

    name: str
    kind: str  # text-like input type, "radio", "checkbox", "select", "textarea"
    values: list[str] = field(default_factory=list)
    options: list[str] | None = None
    multiple: bool = False
    ids: list[str] = field(default_factory=list)
    required: bool = False  # rendered with the ``required`` attribute


@dataclass
class Button:
    name: str
    value: str
    label: str


@dataclass
class ParsedForm:
    action: str | None
    method: str
    in_main: bool
    controls: dict[str, Control] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    files: dict[str, Control] = field(default_factory=dict)  # <input type="file"> by name


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self.main_depth = 0
        self.current: ParsedForm | None = None
        self.select: tuple[Control, list[tuple[str, bool]]] | None = None
        self.option: dict | None = None
        self.textarea: tuple[Control, list[str]] | None = None
        self.button: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "main":
            self.main_depth += 1
        elif tag == "form":
            self.current = ParsedForm(action=attributes.get("action"),
                                      method=attributes.get("method", "get").lower(),
                                      in_main=self.main_depth > 0)
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input":
            self._input(attributes)
        elif tag == "button":
            self.button = {**attributes, "_text": []}
        elif tag == "select" and "name" in attributes and "disabled" not in attributes:
            control = self._control(attributes["name"], "select", attributes.get("id"))
            control.required |= "required" in attributes
            control.options = control.options or []
            control.multiple = "multiple" in attributes
            self.select = (control, [])
        elif tag == "option" and self.select is not None:
            self.option = {**attributes, "_text": []}
        elif tag == "textarea" and "name" in attributes and "disabled" not in attributes:
            control = self._control(attributes["name"], "textarea", attributes.get("id"))
            control.required |= "required" in attributes
            self.textarea = (control, [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("option", "button", "textarea", "select"):
            self.handle_endtag(tag)

    def handle_data(self, data):
        for open_element in (self.option, self.button):
            if open_element is not None:
                open_element["_text"].append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "main":
            self.main_depth -= 1
        elif tag == "form":
            self.current = None
        elif tag == "option" and self.option is not None and self.select is not None:
            text = "".join(self.option["_text"])
            value = self.option.get("value", " ".join(text.split()))
            if "disabled" not in self.option:
                self.select[1].append((value, "selected" in self.option))
            self.option = None
        elif tag == "select" and self.select is not None:
            control, options = self.select
            control.options.extend(value for value, _selected in options)
            chosen = [value for value, selected in options if selected]
            if not control.multiple:
                chosen = chosen[-1:] or [value for value, _selected in options[:1]]
            control.values.extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            control, parts = self.textarea
            text = "".join(parts)
            # A browser drops one newline right after <textarea> (WTForms writes "\r\n").
            for newline in ("\r\n", "\n"):
                if text.startswith(newline):
                    text = text[len(newline):]
                    break
            control.values = [text]
            self.textarea = None
        elif tag == "button" and self.button is not None:
            attributes, self.button = self.button, None
            if (self.current is not None and attributes.get("type", "submit") == "submit"
                    and "disabled" not in attributes):
                self.current.buttons.append(Button(
                    attributes.get("name", ""), attributes.get("value", ""),
                    " ".join("".join(attributes["_text"]).split())))

    def _control(self, name: str, kind: str, id_: str | None) -> Control:
        control = self.current.controls.get(name)
        if control is None:
            control = self.current.controls[name] = Control(name, kind)
        if id_:
            control.ids.append(id_)
        return control

    def _input(self, attributes: dict) -> None:
        kind = attributes.get("type", "text").lower()
        name = attributes.get("name")
        if kind == "file" and name and "disabled" not in attributes:
            # Sent only when a person chooses a file: see ``RenderedForm.attach``.
            self.current.files[name] = Control(name, kind, ids=[attributes.get("id") or name],
                                               required="required" in attributes)
            return
        if "disabled" in attributes or kind in NOT_SUBMITTED:
            return
        if kind == "submit":
            self.current.buttons.append(Button(name or "", attributes.get("value", ""),
                                               attributes.get("value", "")))
            return
        if not name:
            return
        control = self._control(name, kind, attributes.get("id"))
        control.required |= "required" in attributes
        if kind in ("radio", "checkbox"):
            value = attributes.get("value", "on")
            control.options = [*(control.options or []), value]
            control.multiple = kind == "checkbox"
            if "checked" in attributes:
                if kind == "radio":
                    control.values = [value]
                else:
                    control.values.append(value)
        else:
            control.values.append(attributes.get("value", ""))


def parse_forms(html: str) -> list[ParsedForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


class RenderedForm:
    """One form of a page, as a browser would submit it."""

    def __init__(self, client, page_url: str, parsed: ParsedForm, html: str):
        self.client = client
        self.page_url = page_url
        self.parsed = parsed
        self.html = html
        self.values: dict[str, list[str]] = {
            name: list(control.values) for name, control in parsed.controls.items()}
        self.files: dict[str, tuple] = {}

    @property
    def action(self) -> str:
        """The path the form posts to (its own page when the action is empty)."""
        target = urljoin(self.page_url, self.parsed.action or self.page_url)
        parts = urlsplit(target)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def names(self) -> set[str]:
        """Every field name the page renders (submit buttons aside)."""
        return set(self.parsed.controls)

    def data(self) -> dict[str, str | list[str]]:
        """The current values: a list where a field sends several, absent when it sends none
        (an unchecked checkbox or radio group)."""
        return {name: values if len(values) > 1 or self.parsed.controls[name].multiple
                else values[0] for name, values in self.values.items() if values}

    def _control(self, name: str) -> Control:
        try:
            return self.parsed.controls[name]
        except KeyError:
            raise KeyError(f"the page {self.page_url} renders no field {name!r} in this form; "
                           f"it renders {sorted(self.names)}") from None

    def fill(self, **values) -> RenderedForm:
        """Set fields as a person could: only rendered fields, only offered options. A value
        of None or False clears a field (unticks a checkbox); a list sets several."""
        for name, value in values.items():
            control = self._control(name)
            chosen = _as_list(value)
            if control.options is not None:
                unknown = [v for v in chosen if v not in control.options]
                if unknown:
                    raise ValueError(f"{name!r} offers {control.options}, not {unknown}")
                if len(chosen) > 1 and not control.multiple:
                    raise ValueError(f"{name!r} takes one value, not {chosen}")
            self.values[name] = chosen
        return self

    def forge(self, **values) -> RenderedForm:
        """Send any value to a rendered field (a tampered or stale request)."""
        for name, value in values.items():
            self._control(name)
            self.values[name] = _as_list(value)
        return self

    def attach(self, name: str, content: bytes, filename: str) -> RenderedForm:
        """Choose a file for a rendered <input type="file"> (KeyError for one it lacks)."""
        if name not in self.parsed.files:
            raise KeyError(f"the page {self.page_url} renders no file field {name!r} in this "
                           f"form; it renders {sorted(self.parsed.files)}")
        self.files[name] = (content, filename)
        return self

    def button(self, which: str | None = None) -> Button:
        """The submit button to press: by name or label; the only one when ``which`` is None."""
        buttons = self.parsed.buttons
        if which is None:
            if len(buttons) != 1:
                raise ValueError(f"say which button to press: {[b.label for b in buttons]}")
            return buttons[0]
        matches = [b for b in buttons if which in (b.name, b.label)
                   or (b.name and which == f"{b.name}={b.value}")]
        if not matches:
            raise KeyError(f"no button {which!r}: {[(b.name, b.label) for b in buttons]}")
        return matches[0]

    def submit(self, button: str | None = None, **request_options):
        """Press a submit button: its name and value go with the fields, as in a browser."""
        pressed = self.button(button)
        pairs = [(name, value) for name, values in self.values.items() for value in values]
        if pressed.name:
            pairs.append((pressed.name, pressed.value))
        if self.files:
            pairs += [(name, (BytesIO(content), filename))
                      for name, (content, filename) in self.files.items()]
        if self.parsed.method == "post":
            return self.client.post(self.action, data=MultiDict(pairs), **request_options)
        return self.client.get(self.action, query_string=MultiDict(pairs), **request_options)


def _as_list(value) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return [str(value)]


def form_in(client, url: str, html: str, *, action: str | None = None,
            index: int | None = None) -> RenderedForm:
    """The form of ``html`` (the page at ``url``) that a test means: the one whose action is
    ``action``, the ``index``-th of the page's main content, or its only one."""
    forms = parse_forms(html)
    candidates = [f for f in forms if f.in_main]
    if action is not None:
        candidates = [f for f in candidates
                      if urlsplit(urljoin(url, f.action or url)).path == urlsplit(action).path]
    if index is not None:
        return RenderedForm(client, url, candidates[index], html)
    if len(candidates) != 1:
        raise LookupError(f"{url} has {len(candidates)} matching forms in <main>: "
                          f"{[f.action for f in candidates]}; pass action= or index=")
    return RenderedForm(client, url, candidates[0], html)


def rendered_form(client, url: str, *, action: str | None = None,
                  index: int | None = None) -> RenderedForm:
    """GET ``url`` (expecting 200) and return its form, filled with the page's defaults."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    return form_in(client, url, response.get_data(as_text=True), action=action, index=index)


# --- reading a refusal ----------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _RefusalParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.invalid: set[str] = set()
        self.summary_depth = 0
        self.summary_links: list[str] = []
        self.summary_text: list[str] = []
        self.errors: dict[str, str] = {}
        self._error_id: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if attributes.get("aria-invalid") == "true":
            self.invalid.add(attributes.get("id") or attributes.get("name", ""))
        classes = attributes.get("class", "").split()
        if self.summary_depth:
            self.summary_depth += tag not in VOID
            if tag == "a" and attributes.get("href", "").startswith("#"):
                self.summary_links.append(attributes["href"][1:])
        elif tag == "div" and "error-summary" in classes:
            self.summary_depth = 1
        if "error" in classes and attributes.get("id", "").endswith("-error"):
            self._error_id = attributes["id"][: -len("-error")]
            self.errors[self._error_id] = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.summary_depth and tag not in VOID:
            self.summary_depth -= 1

    def handle_endtag(self, tag):
        if self.summary_depth:
            self.summary_depth -= 1
        if tag == "p":
            self._error_id = None

    def handle_data(self, data):
        if self.summary_depth:
            self.summary_text.append(data)
        if self._error_id is not None:
            self.errors[self._error_id] += data


@dataclass
class Refusal:
    """What a refused form page tells: the fields marked invalid (aria-invalid="true", by id),
    the message beside each field (by field id), and the error summary's links and text."""

    invalid: set[str]
    errors: dict[str, str]
    summary_links: list[str]
    summary: str


def refusal(html: str) -> Refusal:
    parser = _RefusalParser()
    parser.feed(html)
    parser.close()
    return Refusal(parser.invalid, {k: " ".join(v.split()) for k, v in parser.errors.items()},
                   parser.summary_links, " ".join("".join(parser.summary_text).split()))
