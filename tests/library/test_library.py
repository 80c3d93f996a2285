"""Uploads checked by content, stored under random names, downloads for members only."""

import io
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.library import services
from app.library import storage
from app.library.models import Resource
from app.library.models import ResourceKind
from app.library.models import TagKind
from tests.fixtures.people import login_as
from tests.library import files


@pytest.fixture(autouse=True)
def library_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path / "library"))
    return tmp_path / "library"


def _input(content: bytes, filename: str, **fields) -> services.ResourceInput:
    fields.setdefault("title", "Toolkit")
    fields.setdefault("kind", ResourceKind.TOOLKIT)
    return services.ResourceInput(filename=filename, stream=io.BytesIO(content), **fields)


@pytest.mark.parametrize("content, filename, media_type", [
    (files.PDF, "toolkit.pdf", "application/pdf"),
    (files.PNG, "chart.PNG", "image/png"),
    (files.JPEG, "photo.jpeg", "image/jpeg"),
    (files.JPEG, "photo.jpg", "image/jpeg"),
    (files.DOCX, "manual.docx", storage.DOCX.media_type),
    (files.PPTX, "slides.pptx", storage.PPTX.media_type),
])
def test_real_documents_are_accepted_and_stored(db_session, participant, library_dir, content,
                                                filename, media_type):
    resource = services.add_resource(_input(content, filename), participant)
    assert resource.media_type == media_type
    assert storage.STORED_NAME.match(resource.stored_name)
    assert (library_dir / resource.stored_name).read_bytes() == content
    assert list(library_dir.iterdir()) == [library_dir / resource.stored_name]


@pytest.mark.parametrize("content, filename", [
    (files.EXE, "report.pdf"),           # a renamed program
    (files.HTML, "report.pdf"),          # a web page that would run script if served inline
    (files.PNG, "report.pdf"),           # a real image under the wrong name
    (files.PLAIN_ZIP, "manual.docx"),    # any ZIP is not a Word document
    (files.ooxml("word/document.xml", content_types=False), "manual.docx"),
    (files.PPTX, "manual.docx"),         # slides named as a document
    (b"PK\x03\x04 not really a zip", "slides.pptx"),
    (files.PDF, "toolkit.exe"),          # a type the library does not take
    (files.PDF, "toolkit"),
    (files.HTML, "page.html"),
])
def test_disguised_files_are_refused_and_nothing_is_kept(db_session, participant, library_dir,
                                                         content, filename):
    with pytest.raises(services.LibraryError) as refused:
        services.add_resource(_input(content, filename), participant)
    assert refused.value.status == 400
    assert db.session.scalar(select(func.count()).select_from(Resource)) == 0
    assert not library_dir.exists() or not any(library_dir.iterdir())


def test_an_empty_file_is_refused(db_session, participant):
    with pytest.raises(services.LibraryError):
        services.add_resource(_input(b"", "empty.pdf"), participant)


def test_a_file_over_the_limit_is_refused_with_413(app, db_session, participant, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_MAX_BYTES", len(files.PDF) - 1)
    with pytest.raises(services.TooLarge) as refused:
        services.add_resource(_input(files.PDF, "toolkit.pdf"), participant)
    assert refused.value.status == 413


@pytest.mark.parametrize("filename, shown", [
    ("../../etc/passwd.pdf", "etc_passwd.pdf"),
    ("/etc/passwd.pdf", "etc_passwd.pdf"),
    ("..\\..\\windows\\win.ini.pdf", "windows_win.ini.pdf"),
    ("evil\x00.sh.pdf", "evil.sh.pdf"),
    ("รายงาน.pdf", "resource.pdf"),
])
def test_path_tricks_in_names_never_reach_the_disk(db_session, participant, library_dir,
                                                   filename, shown):
    resource = services.add_resource(_input(files.PDF, filename), participant)
    assert resource.original_name == shown
    assert [p.name for p in library_dir.iterdir()] == [resource.stored_name]


@pytest.mark.parametrize("name", ["../roundtable.db", "/etc/passwd", "a" * 32 + ".pdf\x00",
                                  "A" * 32 + ".pdf", "a" * 32 + ".html"])
def test_stored_names_are_checked_before_any_file_access(app, name):
    with app.app_context(), pytest.raises(ValueError):
        storage.path_for(name)


def test_tags_countries_and_events(db_session, organiser, make_event):
    event = make_event()
    resource = services.add_resource(_input(
        files.PDF, "toolkit.pdf", country_codes=["TH", "ID", "TH"],
        topic_tags=services.parse_tags(" screening , Screening, case  management,,"),
        event_ids=[event.id]), organiser)
    assert resource.tag_values(TagKind.COUNTRY) == ["ID", "TH"]
    assert resource.tag_values(TagKind.TOPIC) == ["screening", "case management"]
    assert services.key_downloads(event) == [resource]
    assert services.resources(country="TH") == [resource]
    assert services.resources(tag="screening") == [resource]
    assert services.resources(country="NZ") == []
    assert services.resources(kind="manual") == []
    with pytest.raises(services.LibraryError):
        services.add_resource(_input(files.PDF, "x.pdf", event_ids=[987654]), organiser)


# --- pages ------------------------------------------------------------------------------

def _upload(client, content, filename, **data):
    data = {"title": "Screening toolkit", "kind": "toolkit", "tags": "screening",
            "countries": ["TH"], **data, "file": (io.BytesIO(content), filename)}
    return client.post("/library/upload", data=data, content_type="multipart/form-data")


def test_upload_list_download_and_delete(client, participant, library_dir):
    login_as(client, participant)
    response = _upload(client, files.PDF, "../../Screening Toolkit.pdf")
    assert response.status_code == 302
    resource = db.session.scalar(select(Resource))
    page = client.get("/library").get_data(as_text=True)
    assert "Screening toolkit" in page and "Screening_Toolkit.pdf" in page
    download = client.get(f"/library/{resource.id}/download")
    assert download.status_code == 200 and download.data == files.PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Screening_Toolkit.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.mimetype == "application/pdf"
    assert client.post(f"/library/{resource.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Resource)) == 0
    assert not any(library_dir.iterdir())


def test_a_disguised_upload_is_a_400_with_a_clear_message(client, participant):
    login_as(client, participant)
    response = _upload(client, files.HTML, "report.pdf")
    assert response.status_code == 400
    assert "not a PDF file" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Resource)) == 0


def test_a_request_over_the_limit_is_a_413_page(app, client, participant, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    login_as(client, participant)
    response = _upload(client, files.PDF + b"\x00" * 4096, "big.pdf")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_only_the_uploader_or_an_organiser_may_delete(client, make_user, organiser,
                                                      library_dir):
    owner, other = make_user(), make_user()
    resource = services.add_resource(_input(files.PDF, "t.pdf"), owner)
    db.session.commit()
    login_as(client, other)
    assert client.post(f"/library/{resource.id}/delete").status_code == 403
    assert (library_dir / resource.stored_name).exists()
    login_as(client, organiser)
    assert client.post(f"/library/{resource.id}/delete").status_code == 302
    assert not (library_dir / resource.stored_name).exists()


def test_only_organisers_choose_key_downloads(client, participant, organiser, make_event):
    event = make_event()
    login_as(client, participant)
    assert "Key download for these events" not in client.get("/library/upload").get_data(
        as_text=True)
    assert _upload(client, files.PDF, "a.pdf", events=[str(event.id)]).status_code == 302
    assert services.key_downloads(event) == []
    login_as(client, organiser)
    assert _upload(client, files.PDF, "b.pdf", title="Agenda pack",
                   events=[str(event.id)]).status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Key downloads" in page and "Agenda pack" in page


def test_anonymous_visitors_get_nothing(client, participant):
    resource = services.add_resource(_input(files.PDF, "t.pdf"), participant)
    db.session.commit()
    for url in ("/library", f"/library/{resource.id}/download"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_library_page_runs_a_constant_number_of_queries(client, make_user, make_event,
                                                        query_counter):
    viewer = make_user()
    event = make_event(start_date=date(2027, 6, 22))
    counts = []
    for n in (2, 30):
        for i in range(n):
            services.add_resource(_input(files.PDF, f"r{i}.pdf", country_codes=["TH"],
                                         topic_tags=[f"tag {i}"], event_ids=[event.id]),
                                  make_user())
        db.session.commit()
        login_as(client, viewer)
        with query_counter() as statements:
            assert client.get("/library").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts


# --- who shared it ----------------------------------------------------------------------

def test_uploaders_are_named_to_organisers_only_unless_they_opt_in(client, make_user,
                                                                  organiser, interpreter):
    quiet = make_user(display_name="Quiet Uploader")
    named = make_user(display_name="Named Real", pseudonym="Named Pseudonym")
    services.add_resource(_input(files.PDF, "a.pdf", title="Quiet toolkit"), quiet)
    services.add_resource(_input(files.PDF, "b.pdf", title="Named toolkit",
                                 show_uploader=True), named)
    db.session.commit()
    for viewer in (make_user(), interpreter):
        login_as(client, viewer)
        page = client.get("/library").get_data(as_text=True)
        assert "Quiet toolkit" in page and "Quiet Uploader" not in page
        assert "Named Pseudonym" in page and "Named Real" not in page
    login_as(client, quiet)
    assert "Quiet Uploader" in client.get("/library").get_data(as_text=True)
    login_as(client, organiser)
    page = client.get("/library").get_data(as_text=True)
    assert "Quiet Uploader" in page and "Named Real" in page


def test_the_upload_form_asks_whether_to_name_the_uploader(client, participant):
    login_as(client, participant)
    assert "Show my name to members" in client.get("/library/upload").get_data(as_text=True)
    assert _upload(client, files.PDF, "a.pdf", title="Opted in",
                   show_uploader="y").status_code == 302
    assert _upload(client, files.PDF, "b.pdf", title="Left out").status_code == 302
    shown = dict(db.session.execute(select(Resource.title, Resource.show_uploader)).all())
    assert shown == {"Opted in": True, "Left out": False}


def test_key_downloads_link_only_to_meetings_the_reader_may_see(client, participant,
                                                                organiser, make_event):
    call = make_event(title="Bilateral call: private", is_private=True)
    services.add_resource(_input(files.PDF, "t.pdf", title="Call notes",
                                 event_ids=[call.id]), organiser)
    db.session.commit()
    login_as(client, participant)
    page = client.get("/library").get_data(as_text=True)
    assert "Call notes" in page and "Bilateral call: private" not in page
    login_as(client, organiser)
    assert "Bilateral call: private" in client.get("/library").get_data(as_text=True)
