"""The ``roleplay`` directive: a scenario played in the page, with a text version for print.

``{roleplay} the-socialiser`` loads ``scenarios/the-socialiser.yaml`` (beside the book's
``_config.yml``) with :func:`peercoach.scenario.load_scenario`, compiles it with the engine into
JSON for ``roleplay.js`` and writes a numbered "choose your path" text version that readers
without JavaScript, print and PDF get instead of the player. The learning objectives the
scenario names must be defined by an ``{objectives}`` block somewhere in the book.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .nodes import element
from .objectives import record_use, warn
from .textversion import text_version

SCENARIO_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def scenario_file(confdir: str | Path, scenario_id: str) -> Path:
    """The YAML file of ``scenario_id`` in the ``scenarios/`` folder beside the book config."""
    return Path(confdir) / "scenarios" / f"{scenario_id}.yaml"


def script_json(data: dict) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(scenario) -> dict:
    """The engine's compiled scenario (with the step limit and the ending used when it is hit)."""
    from peercoach import engine

    return engine.compile_scenario(scenario)


class RoleplayDirective(SphinxDirective):
    """Embed one scenario as an interactive role-play."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from peercoach.scenario import ScenarioError, load_scenario

        scenario_id = self.arguments[0].strip()
        if not SCENARIO_ID.match(scenario_id):
            warn(f"roleplay: {scenario_id!r} is not a scenario id", self.get_location())
            return []
        path = scenario_file(self.env.app.confdir, scenario_id)
        self.env.note_dependency(str(path))
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            for problem in error.problems:
                warn(f"roleplay: scenario {scenario_id!r}: {problem}", self.get_location())
            return []
        for objective in scenario.objectives:
            record_use(self.env, objective, self.lineno, f"roleplay {scenario_id}")
        return [self._roleplay_node(scenario, page_data(scenario))]

    def _roleplay_node(self, scenario, data: dict) -> nodes.Node:
        script = '<script type="application/json" class="pc-roleplay-data">{}</script>'
        payload = nodes.raw("", script.format(script_json(data)), format="html")
        player = element("div", html_only=True, class_="pc-roleplay-player", hidden=True)
        text = element("div", *text_version(scenario), class_="pc-roleplay-text")
        return element(
            "section",
            payload,
            player,
            text,
            class_="pc-roleplay",
            data_scenario=scenario.id,
            aria_label=f"Role-play: {scenario.title}",
        )
