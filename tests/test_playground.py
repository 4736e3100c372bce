"""The playground: a state of its controls becomes the experiment a learner would write by
hand, runs through the same observe(), and reproduces as Python, curl and fetch()."""

import json
import shutil
import subprocess
from dataclasses import replace

import pytest

import labserver
from labserver import playground
from labserver.clients import BROWSERS, CallClient, CurlClient, Outcome, make_client
from labserver.experiments.playground import BODIES, FORM_BODY, MAX_HEADER_VALUE, stop_lab
from labserver.experiments.trace import har_problems, har_schema_unavailable
from labserver.teaching.display import PALETTE
from labserver.teaching.playground import PRESETS, coloured, words_used
from labserver.vocabulary import BODY, CODES

Hop, State = playground.Hop, playground.PlaygroundState


@pytest.fixture(scope="module")
def lab():
    yield playground.lab()
    stop_lab()


def _by_hand(lab, state):
    """The request and servers a learner would write for the states these tests use."""
    s = lab.servers
    if len(state.hops) == 3:  # 307 to another port, 303 to https, 308 back to http
        path = (f"/redirect/307?to={s['other'].url}/redirect/303?to={s['lab-tls'].url}"
                f"/redirect/308?to={s['lab'].url}/echo")
        servers = (s["lab"], s["other"], s["lab-tls"])
    else:
        code, to = state.hops[0].code, state.hops[0].to
        start, target = {"same origin": ("lab", "lab"), "another port": ("lab", "other"),
                         "another host": ("lab", "other-host"),
                         "http → https": ("lab", "lab-tls"),
                         "https → http": ("lab-tls", "lab")}[to]
        where = "" if start == target else s[target].url
        path = f"/redirect/{code}?to={where}/echo"
        servers = (s[start],) if start == target else (s[start], s[target])
    body = {"none": None, "JSON": BODY, "form": FORM_BODY, "stream": BODY}[state.body]
    kind = {"JSON": "application/json", "stream": "application/json",
            "form": "application/x-www-form-urlencoded"}.get(state.body)
    kind = state.content_type or kind
    headers = (("Content-Type", kind),) if kind else ()
    headers += tuple((n, v) for n, v in (("Authorization", state.authorization),
                                         ("Cookie", state.cookie),
                                         (state.custom_name, state.custom_value)) if v)
    return labserver.Request(state.method, path, body, headers), servers


def _seen_by_hand(lab, state, client):
    request, servers = _by_hand(lab, state)
    make = playground.stream_client if state.body == "stream" else make_client
    with make(client, tls=lab.certificates) as sender:
        return labserver.observe(sender, request, servers)


def _same(a, b):
    """Two observations of one experiment agree: the same hops, the same arrival."""
    assert a.describe() == b.describe()
    assert (a.arrived, a.final_method, a.body_arrived) == (b.arrived, b.final_method,
                                                           b.body_arrived)
    assert [h.headers.get("Authorization") for h in a.hops] == [
        h.headers.get("Authorization") for h in b.hops]


STATES = (
    [State(hops=(Hop(code),), method="POST", body="JSON") for code in CODES]
    + [State(hops=(Hop(302, to),), method="PUT", body="JSON", authorization="Bearer t")
       for to in playground.DESTINATIONS]
    + [State(hops=(Hop(307),), method="PATCH" if body != "none" else "DELETE", body=body)
       for body in BODIES]
    + [State(hops=(Hop(308),), method="GET", content_type="text/plain")]
    + [State(hops=(Hop(307, "another port"), Hop(303, "http → https"),
                   Hop(308, "https → http")), method="POST", body="form",
             content_type="text/plain", cookie="a=b", custom_name="X-Trace",
             custom_value="42")]
)


def _id(state):
    return f"{state.method}-{state.body}-" + "-".join(f"{h.code}:{h.to}" for h in state.hops)


@pytest.mark.parametrize("state", STATES, ids=_id)
def test_each_control_builds_the_request_a_learner_writes_by_hand(lab, state):
    assert playground.experiment(state, lab) == _by_hand(lab, state)


@pytest.mark.parametrize("client", ["httpx", "requests"])
@pytest.mark.parametrize("state", STATES, ids=_id)
def test_each_run_sees_what_observe_sees_by_hand(lab, state, client):
    done = playground.run(replace(state, clients=(client,)), lab)
    _same(done.observations[client], _seen_by_hand(lab, state, client))


def test_headers_arrive_in_the_glossarys_words(lab):
    state = State(hops=(Hop(307),), method="POST", body="JSON", authorization="Bearer t",
                  cookie="s=1", custom_name="X-Trace", custom_value="7",
                  clients=("httpx",))
    table = playground.summary(playground.run(state, lab))
    assert table.loc["httpx", ["outcome", "arrived", "Content-Type", "Authorization",
                               "Cookie", "X-Trace"]].tolist() == [
        "followed", "POST + body", "kept", "kept", "dropped", "kept"]
    # httpx removes a Cookie header on every redirect, its own origin too (its jar would
    # add the cookies it holds): "dropped", as the glossary calls it
    across = playground.summary(playground.run(
        replace(state, hops=(Hop(303, "another host"),)), lab))
    assert across.loc["httpx", ["arrived", "Authorization", "Cookie"]].tolist() == [
        "GET, body dropped", "stripped", "stripped"]


@pytest.mark.parametrize("change, said", [
    ({"authorization": "Bearer a\r\nX-Evil: 1"}, "line break"),
    ({"cookie": "a=b\nc"}, "line break"),
    ({"custom_name": "X-A", "custom_value": "a\x00b"}, "NUL"),
    ({"content_type": "text/plain\x07"}, "control character"),
    ({"authorization": "x" * (MAX_HEADER_VALUE + 1)}, "characters long"),
    ({"cookie": "café=1"}, "outside ASCII"),
    ({"custom_name": "X Evil", "custom_value": "1"}, "header name may not"),
    ({"custom_name": "X-Evil:", "custom_value": "1"}, "header name may not"),
    ({"custom_value": "1"}, "no name"),
    ({"custom_name": "Host", "custom_value": "evil.example"}, "own control"),
    ({"hops": ()}, "one to three hops"),
    ({"hops": (Hop(),) * 4}, "one to three hops"),
    ({"hops": (Hop(305),)}, "the lab redirects with"),
    ({"hops": (Hop(302, "http → https"), Hop(302, "http → https"))}, "cannot go"),
    ({"hops": (Hop(302, "elsewhere"),)}, "choose one of"),
    ({"method": "TRACE"}, "the method is"),
    ({"method": "HEAD", "body": "JSON"}, "carries no body"),
    ({"clients": ()}, "at least one client"),
    ({"clients": ("netscape",)}, "unknown client"),
])
def test_hostile_or_impossible_controls_say_so_in_one_line(lab, change, said):
    with pytest.raises(playground.PlaygroundError, match=said) as raised:
        playground.run(replace(State(), **change), lab)
    rendered = raised.value._render_traceback_()
    assert len(rendered) == 1 and rendered[0].startswith("PlaygroundError: ")
    assert "\n" not in rendered[0] and "\r" not in rendered[0]


def test_the_panel_shows_a_hostile_value_as_a_sentence_not_a_traceback(lab):
    panel = playground.playground("12")
    panel.cookie.value = "a=b\r\nSet-Cookie: evil=1"
    assert panel.run() is None
    assert "line break" in panel.last_error and panel.last_run is None


REPRODUCED = [
    State(hops=(Hop(302, "another port"),), method="POST", body="JSON",
          authorization="Bearer t"),
    State(hops=(Hop(307, "http → https"), Hop(301, "https → http")), method="PUT",
          body="form", cookie="s=1"),
    State(hops=(Hop(303, "another host"),), method="PATCH", body="JSON",
          custom_name="X-Trace", custom_value="7"),
    State(hops=(Hop(307),), method="POST", body="stream"),
]


def test_a_stream_is_reproduced_with_a_client_that_can_send_one():
    state = State(hops=(Hop(307),), method="POST", body="stream", clients=("urllib", "curl"))
    shown = playground.reproduce(state)
    assert "playground.stream_client('httpx'," in shown.python
    assert shown.curl.startswith("printf %s ") and 'duplex: "half"' in shown.fetch


@pytest.mark.parametrize("state", REPRODUCED, ids=_id)
def test_the_python_snippet_runs_and_sees_the_same(lab, state):
    for client in ("httpx", "requests"):
        state = replace(state, clients=(client,))
        namespace: dict = {}
        exec(playground.reproduce(state).python, namespace)  # noqa: S102 - our own snippet
        _same(namespace["seen"], playground.run(state, lab).observations[client])


def _shell(line, lab):
    def send(*_):
        done = subprocess.run(["bash", "-c", line], env=playground.shell_variables(lab),
                              capture_output=True, text=True, timeout=20)
        return Outcome(int(done.stdout or 0) or None, None if done.returncode == 0 else
                       f"curl exit {done.returncode}")
    return CallClient("curl line", send)


@pytest.mark.skipif(CurlClient.unavailable_reason() is not None,
                    reason=str(CurlClient.unavailable_reason()))
@pytest.mark.parametrize("state", REPRODUCED, ids=_id)
def test_the_curl_line_runs_and_sees_what_curl_saw(lab, state):
    state = replace(state, clients=("curl",))
    shown = playground.reproduce(state)
    assert "127.0.0" not in shown.curl  # servers by name: the same text on every run
    seen = labserver.observe(_shell(shown.curl, lab), *playground.experiment(state, lab))
    _same(seen, playground.run(state, lab).observations["curl"])


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_fetch_call_runs_in_node_and_follows_the_same_hops(lab):
    state = State(hops=(Hop(302, "another port"), Hop(307)), method="POST", body="JSON",
                  custom_name="X-Trace", custom_value="7", clients=("httpx",))
    script = ("const {LAB, OTHER, OTHER_HOST, LAB_TLS} = process.env;\n"
              + playground.reproduce(state).fetch)

    def send(*_):
        done = subprocess.run(["node", "--input-type=module", "-e", script],
                              env=playground.shell_variables(lab), capture_output=True,
                              text=True, timeout=20)
        return Outcome(int(done.stdout.split()[0]) if done.returncode == 0 else None)

    seen = labserver.observe(CallClient("fetch", send), *playground.experiment(state, lab))
    # Fetch turns the POST into a GET at the 302, and keeps it through the 307
    assert seen.describe().count("GET") == 2 and seen.arrived == "GET, body dropped"
    assert seen.result.status == 200


def test_the_run_exports_a_valid_har_and_a_markdown_table(lab):
    if har_schema_unavailable():
        pytest.skip(har_schema_unavailable())
    state = State(hops=(Hop(302, "another host"), Hop(308)), method="PUT", body="JSON",
                  clients=("httpx", "requests"))
    done = playground.run(state, lab)
    har = done.to_har()
    assert har_problems(json.loads(json.dumps(har))) == []
    assert len(har["log"]["entries"]) == sum(len(s.hops) for s in done.observations.values())
    text = playground.markdown(done)
    assert text.splitlines()[2] == ("| client | outcome | redirects followed | arrived "
                                    "| Content-Type | hops |")
    # httpx turns the PUT into a GET at a 302, which neither standard allows: a departure
    assert "Where a client departs" in text and "RFC 9110 does not allow it" in text
    assert str(lab.servers["lab"].port) not in text


@pytest.mark.skipif(CurlClient.unavailable_reason() is not None,
                    reason=str(CurlClient.unavailable_reason()))
def test_each_hop_gets_a_verdict_naming_the_rule(lab):
    state = State(hops=(Hop(302), Hop(307, "another port")), method="PUT", body="JSON",
                  authorization="Bearer t", clients=("httpx", "curl"))
    table = playground.verdicts(playground.run(state, lab)).set_index(["client", "hop"])
    httpx_302 = table.loc[("httpx", 1)]
    assert (httpx_302["next"], httpx_302["RFC 9110"], httpx_302["Fetch"]) == (
        "GET", "RFC 9110 does not allow it (PUT expected)", "Fetch sends PUT")
    assert httpx_302["RFC 9110 rule"].startswith("RFC 9110 §15.4.3")
    assert httpx_302["Fetch rule"].startswith('Fetch "HTTP-redirect fetch"')
    # curl keeps the PUT (it was given -X PUT) but does not send its data again
    assert table.loc[("curl", 1), "RFC 9110"] == "as RFC 9110 says"
    assert table.loc[("curl", 1), "body"].startswith("body dropped: neither standard")
    assert "Authorization stripped" in table.loc[("curl", 2), "Authorization"]
    assert "Authorization stripped" in table.loc[("httpx", 2), "Authorization"]


def test_tables_and_diagram_name_servers_not_ports(lab):
    state = State(hops=(Hop(301, "http → https"),), clients=("httpx", "requests"),
                  diagram="requests")
    done = playground.run(state, lab)
    source = playground.diagram(done)._repr_markdown_()
    assert source.startswith("```mermaid\n%%{init:")
    assert "sequenceDiagram\n    participant C as requests" in source
    assert "https://lab-tls/echo" in source
    tables = playground.hops_tables(done)
    assert list(tables) == ["httpx", "requests"]
    ports = [str(s.port) for s in lab.servers.values()]
    for text in (source, *(t.to_csv() for t in tables.values())):
        assert not any(port in text for port in ports)
    assert words_used(done) == {"followed": labserver.vocabulary.GLOSSARY["followed"]}


def test_predictions_are_graded_with_the_episodes_grader(lab):
    done = playground.run(State(hops=(Hop(303),), method="POST", body="JSON"), lab)
    verdict = playground.grade_predictions(done, {"httpx": "GET without body",
                                                  "requests": "POST + body"})
    assert verdict.right == ["httpx"]
    assert verdict.wrong == ["requests: you said POST + body, the lab saw GET, body dropped "
                             f"({done.observations['requests'].describe()})"]


def test_every_core_episode_has_a_preset_and_each_runs(lab):
    presets = playground.presets()
    assert list(presets) == [f"{n:02}" for n in range(1, 17)]
    for number, state in presets.items():
        here = tuple(c for c in state.clients if c not in BROWSERS) or ("httpx",)
        done = playground.run(replace(state, clients=here, diagram=""), lab)
        assert len(done.observations) == len(here), (number, done.skipped)
        assert all(seen.hops for seen in done.observations.values()), number
    assert presets["02"].method == "PUT" and presets["02"].hops == (Hop(302),)
    assert presets["12"].authorization and presets["12"].hops == (Hop(302, "another host"),)


def test_the_panel_opens_a_preset_runs_it_and_grades_a_prediction(lab):
    panel = playground.playground("02")
    assert repr(panel) == "<Redirect Lab playground: 02 · " + PRESETS["02"][0] + ">"
    assert panel._repr_mimebundle_()["text/plain"] == repr(panel)
    assert panel.state() == replace(playground.presets()["02"], diagram="httpx")
    panel.predictions["httpx"].value = "GET, body dropped"
    panel.predictions["requests"].value = "PUT + body"
    panel.run_button.click()
    assert panel.last_error == ""
    done = panel.last_run
    assert list(done.observations) == ["httpx", "requests", "curl"]
    assert done.observations["requests"].arrived == "GET, body dropped"
    assert playground.grade_predictions(done, {
        name: text.value for name, text in panel.predictions.items() if text.value
    }).right == ["httpx"]
    panel.hop_count.value = 2
    panel.destinations[1].value = "another port"
    assert panel.state().hops == (Hop(302), Hop(302, "another port"))
    with pytest.raises(playground.PlaygroundError, match="no preset"):
        playground.playground("99")


def test_a_missing_client_is_greyed_with_its_reason(lab, monkeypatch):
    monkeypatch.setattr(CurlClient, "unavailable_reason",
                        classmethod(lambda cls: "curl is not installed here"))
    panel = playground.playground("10")
    assert panel.clients["curl"].disabled
    assert panel.clients["curl"].tooltip == "curl is not installed here"
    assert not panel.clients["curl"].value  # the preset's only client cannot be chosen
    done = playground.run(playground.presets()["10"], lab)
    assert done.skipped == {"curl": "curl is not installed here"}
    assert playground.summary(done).loc["curl", "outcome"] == "not run here"


@pytest.mark.skipif(BROWSERS["chromium"].unavailable_reason() is not None,
                    reason=str(BROWSERS["chromium"].unavailable_reason()))
def test_a_browser_runs_beside_the_libraries_its_preflight_not_counted(lab):
    state = State(hops=(Hop(307, "another port"),), method="PUT", body="JSON",
                  authorization="Bearer t", custom_name="X-Trace", custom_value="1",
                  clients=("chromium", "httpx"))
    try:
        done = playground.run(state, lab)
    finally:
        labserver.open_browser("chromium", tls=lab.certificates).close()
    seen = done.observations["chromium"]
    assert "OPTIONS (preflight)" in seen.describe()  # a cross-origin PUT asks first
    table = playground.summary(done)
    assert table.loc["chromium", ["redirects followed", "arrived", "Authorization",
                                  "X-Trace"]].tolist() == [1, "PUT + body", "stripped", "kept"]
    judged = playground.verdicts(done).set_index("client")
    assert judged.loc["chromium", ["hop", "next", "Fetch"]].tolist() == [1, "PUT",
                                                                         "as Fetch says"]


def test_the_summary_wears_the_labs_colours(lab):
    state = State(hops=(Hop(302, "another host"),), method="POST", body="JSON",
                  authorization="Bearer t", clients=("httpx", "curl"))
    shown = coloured(playground.run(state, lab))
    assert shown.styles.loc["httpx", "arrived"] == PALETTE["method changed"]
    assert shown.styles.loc["httpx", "Authorization"] == ""  # stripped: as RFC 9110 advises
    assert "leaked: " + labserver.vocabulary.GLOSSARY["leaked"] in shown.legend
    assert shown._repr_html_() == shown._repr_html_()  # the same ids on every render


def test_a_panel_stored_in_an_episode_has_the_same_model_id_at_every_refresh() -> None:
    """ipywidgets names a widget with a random id, which the notebook stores with the
    output; the panels are numbered in their kernel instead, so a refresh changes nothing."""
    from pathlib import Path

    stored = []
    for path in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                if view:
                    stored.append((path.name, view["model_id"]))
    assert len(stored) >= 16  # every core episode ends with the panel
    assert {model for _, model in stored} == {"redirect-lab-playground-1"}, stored
