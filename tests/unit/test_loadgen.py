"""The load generator's reading of Moodle's answers after an outage (tests/cluster/loadgen.py): a redirect to the
login page is Moodle telling a client its session timed out, excused only for a session opened while the dependency
was away (its record or data never written); a session opened before the outage that Moodle no longer knows, any
other redirect and any other failure stay failures."""

from __future__ import annotations

from tests.cluster.loadgen import Load, Sample

OUTAGE = (10.0, 12.0)  # the dependency went away at 10 s and the site answered 200 again at 12 s


def load_with(*samples: Sample) -> Load:
    load = Load("http://127.0.0.1:8080/login/index.php")
    load.samples.extend(samples)
    return load


def notice(session: str = "abc123", location: str = "/login/index.php") -> Sample:
    return Sample(15.0, 0.1, 303, "web-1", session=session, location=location, issued="new456")


def test_the_timed_out_notice_of_a_session_opened_in_the_outage_is_excused_whether_its_answer_failed_or_not():
    failed = Sample(10.5, 0.1, 500, "web-1", issued="abc123")
    served = Sample(11.5, 0.2, 200, "web-2", issued="def789")
    load = load_with(failed, served, notice(), notice("def789"))
    assert load.told_session_timed_out(notice(), OUTAGE)
    assert load.told_session_timed_out(notice("def789"), OUTAGE)


def test_a_session_opened_before_the_outage_is_not_excused():
    opened = Sample(2.0, 0.1, 200, "web-1", issued="abc123")
    assert not load_with(opened, notice()).told_session_timed_out(notice(), OUTAGE)


def test_a_redirect_elsewhere_or_another_failure_is_not_excused():
    opened = Sample(10.5, 0.1, 503, "web-1", issued="abc123")
    error = Sample(15.0, 0.1, 500, "web-1", session="abc123")
    load = load_with(opened, notice(location="/admin/index.php"), error)
    assert not load.told_session_timed_out(notice(location="/admin/index.php"), OUTAGE)
    assert not load.told_session_timed_out(error, OUTAGE)


def test_a_new_client_is_not_excused():
    redirect = Sample(15.0, 0.1, 303, "web-1", location="/login/index.php")
    assert not load_with(redirect).told_session_timed_out(redirect, OUTAGE)


def test_a_redirect_names_where_it_sent_the_client():
    sample = Sample(3.0, 0.1, 303, "web-1", session="abc12345xyz", location="/login/index.php")
    assert (
        sample.describe(since=0.0)
        == "started +3.0 s, 0.1 s, HTTP 303 to /login/index.php from web-1 (session abc12345)"
    )
