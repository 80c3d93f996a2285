"""The shape a newcomer relies on: features stack in layers without import cycles, and a
feature's models and services import without its views.

The graph is read from the source (every import, those inside functions too: a deferred
import hides a cycle, it does not remove it).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
FEATURES = sorted(p.name for p in APP.iterdir() if (p / "__init__.py").exists())

# Where the layering is not clean, named so that it can only shrink: a package joining a
# cycle fails, and so does one leaving it (then shrink it here). None left.
KNOWN_CYCLES: list[set[str]] = []


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = ([f"app.{alias.name}" for alias in node.names] if node.module == "app"
                     else [node.module])
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name.split(".")[1] for name in names
                  if name.startswith("app.") and name.split(".")[1] in FEATURES}
    return found


def package_graph() -> dict[str, set[str]]:
    """Feature package -> the feature packages its modules import. Demo data (which seeds
    every feature by design) is left out."""
    graph = {feature: set() for feature in FEATURES}
    for feature in FEATURES:
        for path in (APP / feature).rglob("*.py"):
            if path.name == "demo.py":
                continue
            graph[feature] |= _imported_packages(path) - {feature}
    return graph


def _reaches(graph, start, goal) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return False


def cycles(graph) -> list[set[str]]:
    """The groups of packages that depend on each other, directly or through others (the
    strongly connected components of more than one package)."""
    groups = []
    for node in sorted(graph):
        group = {other for other in graph
                 if _reaches(graph, node, other) and _reaches(graph, other, node)}
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def test_core_builds_on_no_feature():
    assert package_graph()["core"] == set()


def test_notices_sit_just_above_auth_so_every_feature_may_call_them():
    """Features call ``notify`` from their services; the notices learn of features only
    through the kinds they add."""
    assert package_graph()["notices"] <= {"core", "auth"}


def test_the_programme_sits_above_library_and_interpretation_and_nobody_imports_it():
    """A session's programme uses the library's resources and storage and asks
    interpretation who is assigned; the session page and the interpreters' preparation page
    include its templates and call its template global instead of importing it."""
    graph = package_graph()
    assert {"library", "interpretation", "registrations", "events"} <= graph["programme"]
    assert graph["programme"] <= {"core", "auth", "events", "registrations", "interpretation",
                                  "library"}
    assert [feature for feature, imports in graph.items() if "programme" in imports] == []


def test_no_new_import_cycle_between_packages():
    found = cycles(package_graph())
    assert sorted(map(sorted, found)) == sorted(map(sorted, KNOWN_CYCLES)), (
        "import cycles between packages changed: see KNOWN_CYCLES")


def test_the_cycle_check_sees_cycles_through_other_packages():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]


@pytest.mark.parametrize("feature", [f for f in FEATURES if (APP / f / "models.py").exists()])
def test_importing_models_and_services_loads_no_views(feature):
    modules = [f"app.{feature}.models"]
    if (APP / feature / "services.py").exists():
        modules.append(f"app.{feature}.services")
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('app.') "
            "and m.endswith('.views')))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    assert loaded == "[]", f"importing {modules} loaded views: {loaded}"



def test_every_feature_package_declares_what_it_plugs_in_and_is_plugged_in(app):
    """A package the app factory left out would serve no page: each declares a ``FEATURE``
    of its own, and the app has the blueprint of each (named as its package)."""
    import importlib

    for feature in FEATURES:
        assert importlib.import_module(f"app.{feature}").FEATURE.package == f"app.{feature}"
    assert sorted(app.blueprints) == FEATURES
def test_a_template_name_taken_twice_is_refused(app):
    from app.core.registry import RegistryCollision
    from app.core.templating import add_template_globals

    assert "registration_panel" in app.jinja_env.globals  # a hook the event page calls
    with pytest.raises(RegistryCollision, match="language_label"):
        add_template_globals(app, language_label=str)


def test_a_registry_refuses_a_second_contribution_under_one_name():
    from app.core.registry import Registry
    from app.core.registry import RegistryCollision

    audiences = Registry("audiences")

    def invited(viewer):
        return viewer

    audiences.add("invited", invited)
    audiences.add("invited", invited)  # the same one again (an app created twice): fine
    with pytest.raises(RegistryCollision):
        audiences.add("invited", lambda viewer: viewer)
    assert list(audiences) == [invited]


def test_every_feature_refuses_with_the_one_error_type(app):
    """Nine copies of one error hierarchy became one: each feature's errors are
    ``Refusal``s (message, field, status), those about a changed state ``Conflict``s."""
    import importlib
    import inspect

    from app.core.errors import Conflict
    from app.core.errors import Refusal

    errors = []
    for feature in FEATURES:
        if not (APP / feature / "services.py").exists():
            continue
        module = importlib.import_module(f"app.{feature}.services")
        errors += [cls for _name, cls in inspect.getmembers(module, inspect.isclass)
                   if cls.__module__ == module.__name__ and issubclass(cls, Exception)]
    assert len(errors) >= 9
    assert [cls.__name__ for cls in errors if not issubclass(cls, Refusal)] == []
    assert all(issubclass(cls, Conflict) == (cls.status == 409) for cls in errors), \
        {cls.__name__: cls.status for cls in errors}


def test_a_refusal_no_view_caught_is_its_own_page_not_a_500(app):
    from app.core.views import refused
    from app.registrations.services import RegistrationConflict

    with app.test_request_context("/"):
        page, status = refused(RegistrationConflict("This session is full."))
    assert status == 409 and "This session is full." in page
