"""Lesson tables are deterministic: no ports, no running seq numbers, no random ids."""

import httpx
import pandas as pd
import pytest

from labserver import HttpxClient, conformance, hops_frame, run_matrix, stable_headers
from labserver.teaching.display import StyledTable, matrix


def test_stable_headers_drop_host_which_carries_the_port():
    assert stable_headers({"Host": "127.0.0.1:5555", "Accept": "*/*",
                           "Accept-Encoding": "br"}) == {"Accept": "*/*"}


def test_hops_are_numbered_within_the_experiment(server):
    with HttpxClient() as client, server.journal.watch() as hops:
        client.send("POST", server.url + "/redirect/303", body=b"x")
    frame = hops_frame(hops)
    assert frame.index.tolist() == [1, 2]
    assert frame.method.tolist() == ["POST", "GET"]
    assert frame.location.tolist() == ["/echo", ""]


def test_matrix_orders_methods_down_and_codes_across(server):
    with HttpxClient() as client:
        frame = run_matrix(server, client)
    table = matrix(frame)
    assert table.index.tolist()[:3] == ["GET", "HEAD", "POST"]
    assert table.columns.tolist() == [301, 302, 303, 307, 308]
    assert table.loc["POST", 307] == "POST" and table.loc["POST", 303] == "GET"


def test_matrix_cell_says_why_nothing_arrived():
    frame = pd.DataFrame([{"code": 307, "method": "POST", "final_method": "", "error": "",
                           "outcome": "refused"}])
    assert matrix(frame).loc["POST", 307] == "refused"


def test_conformance_html_is_identical_across_runs_and_has_no_random_id(server):
    with HttpxClient() as client:
        first = conformance(run_matrix(server, client))._repr_html_()
        second = conformance(run_matrix(server, client))._repr_html_()
    assert first == second
    assert "#T_lab_" in first and "0x" not in first


def test_conformance_marks_what_rfc_9110_forbids_and_where_fetch_differs(server):
    with HttpxClient() as client:
        table = conformance(run_matrix(server, client)).table
    assert table.loc["PUT", 302] == "GET ✗Content-Type ✗RFC ≠Fetch"
    assert table.loc["DELETE", 302] == "GET ✗RFC ≠Fetch"
    assert table.loc["POST", 307] == "POST"


def test_styled_table_text_repr_has_no_address():
    table = pd.DataFrame({"a": [1]})
    styled = StyledTable(table, table.map(lambda _: ""), {"key": ""}, "cap")
    assert "0x" not in repr(styled) and repr(styled).startswith("cap")


def test_body_matrix_says_whether_the_body_arrived():
    frame = pd.DataFrame([
        {"client": "c", "code": 302, "method": "PUT", "final_method": "PUT", "body_sent": True,
         "body_arrived": False, "error": "", "outcome": "followed"},
        {"client": "c", "code": 307, "method": "PUT", "final_method": "PUT", "body_sent": True,
         "body_arrived": True, "error": "", "outcome": "followed"},
    ])
    table = matrix(frame, value="body")
    assert table.loc["PUT", 302] == "PUT, body dropped" and table.loc["PUT", 307] == "PUT + body"


def test_sequence_diagram_draws_each_hop_and_marks_the_method_change(server):
    from labserver import sequence_diagram

    with HttpxClient() as client, server.journal.watch() as hops:
        client.send("POST", server.url + "/redirect/303", body=b"x")
    diagram = repr(sequence_diagram(hops))
    assert diagram.splitlines()[1:4] == ["sequenceDiagram", "    participant C as client",
                                         "    participant S1 as lab"]
    assert "C->>S1: POST /redirect/303 (1 byte)" in diagram
    assert "S1-->>C: 303 Location /echo" in diagram
    assert "Note over C,S1: method changed: POST → GET, body dropped" in diagram
    # on a band of the palette's amber, the colour of "method changed" everywhere
    assert "    rect rgba(245, 158, 11, 0.35)\n    C->>S1: GET /echo\n" in diagram
    assert sequence_diagram(hops)._repr_markdown_().startswith("```mermaid\n")


def test_every_diagram_is_drawn_light_with_its_labels_on_a_white_band(server):
    """JupyterLab draws a diagram once, in the theme of that moment: one drawn light and read
    after a switch to the dark theme had dark labels on a dark page (1.5:1)."""
    from labserver import sequence_diagram
    from labserver.teaching.display import DIAGRAM_PAGE, MERMAID_THEME
    from labserver.teaching.reference import decision_diagram

    with HttpxClient() as client, server.journal.watch() as hops:
        client.send("GET", server.url + "/redirect/302")
    lines = repr(sequence_diagram(hops)).splitlines()
    assert lines[0] == MERMAID_THEME and '"theme": "default"' in MERMAID_THEME
    first_message = next(i for i, line in enumerate(lines) if "->>" in line)
    assert lines[first_message - 1] == f"    rect {DIAGRAM_PAGE}" and lines[-1] == "    end"
    assert decision_diagram().data.splitlines()[1] == MERMAID_THEME


def test_the_api_move_diagram_marks_no_method_change():
    """Lesson 04: four requests through 307s; each keeps its method. A new request after a
    201 is not a change of the one before it."""
    from labserver import LabServer, sequence_diagram

    calls = [("POST", "/api/v1/users", {"name": "Ada", "email": "ada@example.org"}),
             ("PUT", "/api/v1/users/1", {"name": "Ada L", "email": "ada@example.org"}),
             ("PATCH", "/api/v1/users/1", {"email": "ada@example.net"}),
             ("DELETE", "/api/v1/users/1", None)]
    with LabServer() as api, httpx.Client(base_url=api.url, follow_redirects=True) as client:
        with api.journal.watch() as hops:
            for method, path, body in calls:
                client.request(method, path, json=body)
    diagram = repr(sequence_diagram(hops))
    assert "rect rgba" not in diagram and "method changed" not in diagram
    assert "body dropped" not in diagram


def test_a_302_post_gets_exactly_one_band(server):
    from labserver import sequence_diagram

    with HttpxClient() as client, server.journal.watch() as hops:
        client.send("POST", server.url + "/redirect/302", body=b"x")
        client.send("GET", server.url + "/echo")
    diagram = repr(sequence_diagram(hops))
    assert diagram.count("    rect rgba(") == 1  # the white band behind every message aside
    assert "method changed: POST → GET, body dropped" in diagram


def _cell(method: str, final: str, body_arrived: bool = True, code: int = 307) -> dict:
    return {"client": "c", "code": code, "method": method, "final_method": final,
            "body_sent": method in ("POST", "PUT", "PATCH"), "body_arrived": body_arrived,
            "error": "", "outcome": "followed" if final else "refused"}


def test_each_thing_a_redirect_does_has_its_own_colour_in_the_matrix():
    from labserver.teaching.display import PALETTE, outcomes

    frame = pd.DataFrame([_cell("GET", "GET"), _cell("POST", "GET", False),
                          _cell("PUT", "PUT", False), _cell("PATCH", "")])
    styled = outcomes(frame)
    assert styled.styles.loc["GET", 307] == ""
    assert styled.styles.loc["POST", 307] == PALETTE["method changed"]
    assert styled.styles.loc["PUT", 307] == PALETTE["body dropped"]
    assert styled.styles.loc["PATCH", 307] == PALETTE["refused"]
    assert len({PALETTE[k] for k in ("method changed", "body dropped", "refused",
                                      "credential leaked")}) == 4
    assert "method changed" in styled._repr_html_() and "Key: as sent" in repr(styled)


def test_a_leaked_credential_is_red_in_the_leak_table_as_everywhere():
    from labserver.teaching.display import PALETTE, leaks

    frame = pd.DataFrame([{"client": "c", "scenario": "same-origin", "authorization_arrived": True},
                          {"client": "c", "scenario": "cross-port",
                           "authorization_arrived": True}])
    styled = leaks(frame)
    assert styled.table.loc["c"].tolist() == ["kept", "leaked"]
    assert styled.styles.loc["c", "cross-port"] == PALETTE["credential leaked"]


# -- readable in JupyterLab's light and dark themes (WCAG 2.2 AA: 4.5:1 for text) ----

THEMES = {
    # page background, table text (JupyterLab's --jp-layout-color0 and
    # --jp-content-font-color1), and Mermaid's text colour in the theme JupyterLab picks
    "light": {"page": (255, 255, 255), "table text": (33, 33, 33), "diagram text": (51, 51, 51)},
    "dark": {"page": (17, 17, 17), "table text": (255, 255, 255), "diagram text": (204, 204, 204)},
}


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = map(channel, rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one, other):
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tinted(colour, page):
    from labserver.teaching.display import TINT

    return tuple(TINT * c + (1 - TINT) * p for c, p in zip(colour, page))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("text", ["table text", "diagram text"])
def test_every_colour_keeps_text_readable_in_both_themes(theme, text):
    from labserver.teaching.display import COLOURS

    colours = THEMES[theme]
    for name, colour in COLOURS.items():
        ratio = _contrast(_tinted(colour, colours["page"]), colours[text])
        assert ratio >= 4.5, f"{name} under {text} in the {theme} theme: {ratio:.1f}:1"


def test_the_contrast_check_fails_a_solid_colour_under_light_text():
    amber = (245, 158, 11)
    assert _contrast(amber, THEMES["dark"]["table text"]) < 4.5  # why cells are tints


def test_cells_set_only_a_tint_so_the_theme_chooses_the_text_colour():
    from labserver.teaching.display import PALETTE

    for css in PALETTE.values():
        assert css.startswith("background-color: rgba(") and "color:" not in css.replace(
            "background-color:", "")


def test_departures_list_only_what_a_browser_would_send_differently(server):
    from labserver import departures

    with HttpxClient() as client:
        table = departures(run_matrix(server, client)).table
    assert list(table.index) == [
        ("httpx", "POST", "301, 302"),
        *[("httpx", m, "302") for m in ("PUT", "PATCH", "DELETE", "OPTIONS")],
        *[("httpx", m, "303") for m in ("POST", "PUT", "PATCH")]]
    assert table.loc[("httpx", "PUT", "302")].tolist() == [
        "GET, body dropped, Content-Type kept", "PUT + body",
        "not allowed; should remove Content-Type"]


def _switched(client: str, content_type_arrived: bool) -> dict:
    """A POST that a 303 turned into a GET without its body, as the matrix records it."""
    return {"client": client, "code": 303, "method": "POST", "body_sent": True,
            "hops": "", "hop_count": 2, "final_method": "GET", "final_status": 200,
            "body_arrived": False, "content_type_arrived": content_type_arrived,
            "authorization_arrived": False, "outcome": "followed", "error": ""}


def test_a_client_that_keeps_content_type_on_a_switched_get_is_listed_as_a_departure():
    from labserver import departures

    frame = pd.DataFrame([_switched("keeps it", True), _switched("like a browser", False)])
    table = departures(frame).table
    assert list(table.index) == [("keeps it", "POST", "303")]
    assert table.loc[("keeps it", "POST", "303")].tolist() == [
        "GET, body dropped, Content-Type kept", "GET, body dropped, Content-Type removed",
        "specified; should remove Content-Type"]


def test_conformance_marks_a_content_type_kept_on_a_switched_get():
    frame = pd.DataFrame([_switched("keeps it", True)])
    table = conformance(frame)
    assert table.table.loc["POST", 303] == "GET ✗Content-Type ≠Fetch"
    assert any(key.startswith("✗Content-Type") for key in table.legend)
    assert conformance(pd.DataFrame([_switched("like a browser", False)])).table.loc[
        "POST", 303] == "GET"


def test_hops_frame_html_reads_paths_from_the_left_and_is_stable(server):
    with server.journal.watch() as hops:
        httpx.get(server.url + "/redirect/302", follow_redirects=True)
    html = hops_frame(hops)._repr_html_()
    assert "text-align: left" in html and html == hops_frame(hops)._repr_html_()
    assert "0x" not in html


def test_per_method_colours_what_arrived_and_says_what_was_sent(server):
    from labserver import per_method
    from labserver.teaching.display import PALETTE

    with HttpxClient() as client:
        table = per_method(run_matrix(server, client, codes=(302,)))
    assert table.table.loc["PUT", "sent"] == "PUT + body"
    assert table.table.loc["PUT", "arrived"] == "GET, body dropped"
    assert table.styles.loc["PUT", "arrived"] == PALETTE["method changed"]
    assert table.styles.loc["HEAD", "arrived"] == ""
    assert table.table.loc["GET", "Content-Type arrived"] == ""  # nothing was sent to keep
    assert "outcome" not in table.table.columns


def test_the_standards_grid_names_both_only_where_they_differ():
    from labserver.teaching.display import standards

    grid = standards().table
    assert grid.loc["POST", 302] == "RFC 9110: POST · Fetch: GET"
    assert grid.loc["PUT", 302] == "PUT" and grid.loc["PUT", 303] == "GET"
    differing = [(m, c) for m in grid.index for c in grid.columns if "·" in grid.loc[m, c]]
    assert differing == [("POST", 301), ("POST", 302)]


def test_a_credential_missing_on_its_own_origin_is_dropped_not_stripped():
    from labserver.teaching.display import PALETTE, leaks

    frame = pd.DataFrame({"client": ["c", "c"], "scenario": ["same-origin", "cross-port"],
                          "authorization_arrived": [False, False]})
    styled = leaks(frame)
    assert styled.table.loc["c"].tolist() == ["dropped", "stripped"]
    assert styled.styles.loc["c", "same-origin"] == PALETTE["credential dropped"]
    assert styled.styles.loc["c", "cross-port"] == ""


def test_a_silent_data_loss_is_pink_and_a_failed_replay_grey():
    from labserver.teaching.display import PALETTE, replays

    one_shot = pd.DataFrame({
        "client": ["a", "b", "c", "d"], "body": ["x"] * 4,
        "first hop got": ["POST, 37 bytes"] * 4,
        "target got": ["POST, 0 bytes", "no complete request", "POST, 37 bytes", "GET, 0 bytes"],
        "outcome": ["status 200", "StreamConsumed", "status 200", "status 200"]})
    colours = replays(one_shot).styles["target got"].tolist()
    assert colours == [PALETTE["body dropped"], PALETTE["refused"], "", PALETTE["method changed"]]


def test_the_cache_grid_says_reused_in_blue():
    from labserver.teaching.display import PALETTE, reuse_grid

    reuse = pd.DataFrame({"code": [301, 302], "cache": ["none", "none"], "hishel": [2, 2],
                          "chromium": [1, 2]})
    grid = reuse_grid(reuse)
    assert grid.table.loc[("none", "chromium"), 301] == "reused"
    assert grid.table.loc[("none", "hishel"), 301] == "asked again"
    assert grid.styles.loc[("none", "chromium"), 301] == PALETTE["from cache"]


def test_the_cache_grid_shows_every_cache_that_ran_firefox_included():
    """Lesson 13's sentences are about hishel, Chromium and Firefox: its grid shows all three."""
    from labserver.teaching.display import reuse_grid

    reuse = pd.DataFrame({"code": [301, 308], "cache": ["none", "none"], "hishel": [2, 2],
                          "chromium": [1, 1], "firefox": [2, 2]})
    grid = reuse_grid(reuse)
    assert list(grid.table.index.get_level_values("cache ↓")) == ["hishel", "chromium", "firefox"]
    assert grid.table.loc[("none", "firefox")].tolist() == ["asked again", "asked again"]
    assert "firefox" in repr(grid)


def test_an_answer_from_the_cache_is_drawn_between_the_client_and_its_cache(server):
    from labserver import sequence_diagram

    with server.journal.watch() as first:
        httpx.get(server.url + "/redirect/308?cache=none", follow_redirects=True)
    with server.journal.watch() as second:
        httpx.get(server.url + "/echo")
    source = sequence_diagram(second, client="chromium", from_cache=first[:1]).source
    assert "participant K as chromium's cache" in source
    assert "C->>K: GET /redirect/308?cache=none" in source
    assert "K-->>C: 308 Location /echo" in source
    assert source.index("K-->>C") < source.index("C->>S1: GET /echo")


def test_whitespace_in_a_target_is_drawn_so_it_can_be_seen():
    from labserver.server.targets import visible

    assert visible(" //evil.example") == "␠//evil.example"
    assert visible("/\t/evil\x7f") == "/␉/evil␡"
    assert visible("/echo") == "/echo"


def test_every_outcome_word_a_table_prints_is_in_the_glossary():
    """One vocabulary: the colour key under every table, what arrived, what became of a
    credential or a body header — each word is defined once, in the glossary."""
    import json
    import re
    from pathlib import Path

    from labserver.experiments.observe import arrival
    from labserver.teaching.display import COLOURS, leak_label
    from labserver.vocabulary import GLOSSARY

    words = set(GLOSSARY)
    for key in COLOURS:
        assert key.removeprefix("credential ") in words, key
    for same_origin in (True, False):
        for arrived in (True, False):
            row = pd.Series({"scenario": "same-origin" if same_origin else "cross-port",
                             "authorization_arrived": arrived})
            assert leak_label(row) in words
    assert arrival("GET", True, False, "refused").split(", ", 1)[1] in words
    assert arrival("PUT", True, True, "refused").removeprefix("PUT ") in words
    drift = re.compile(r"body lost|without body|>\s*(?:forwarded|lost)\s*<")
    for notebook in sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        outputs = json.dumps([c.get("outputs", []) for c in
                              json.loads(notebook.read_text(encoding="utf-8"))["cells"]])
        assert not drift.search(outputs), (notebook.name, drift.search(outputs))
