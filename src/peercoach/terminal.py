"""``peercoach play``: a role-play in the terminal, for staff trying a scenario.

Replies are shown in a shuffled order (as in every player) and numbered as shown. Own words are
read back first ("taken as ...") and count only when you accept them. Ctrl-D or an empty line
ends the call.
"""

from __future__ import annotations

import re

from peercoach.engine import Conversation, InputError
from peercoach.scenario import ScenarioError, load_scenario, scenario_path
from peercoach.shuffle import new_seed


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt).strip()
    except EOFError:
        print()
        return None


def _say_own_words(conversation: Conversation, text: str):
    reading = conversation.interpret(text)
    if reading.unclear:
        print(f"  {conversation.scenario.persona.name}: {conversation.turn.unclear_reply()}")
        print(f"  ({reading.explanation})")
        return None
    if reading.option is None:
        print(f"  Your words were taken as medical advice: {reading.explanation}")
    else:
        print(f'  Your words were taken as: "{reading.option.say}"')
    answer = _ask("  Say it? [y = yes, anything else = rephrase] ")
    if answer is None or answer.lower() not in ("y", "yes"):
        return None
    return conversation.say(text)


def play_command(args) -> int:
    """Play a scenario in the terminal, by number or in your own words."""
    try:
        scenario = load_scenario(scenario_path(args.scenario))
    except ScenarioError as error:
        print(error)
        return 1
    seed = args.seed if getattr(args, "seed", None) is not None else new_seed()
    conversation = Conversation(scenario, seed)
    print(f"{scenario.title}\n{scenario.summary}\nGoal: {scenario.goal}\n(order seed {seed})\n")
    while not conversation.finished:
        turn = conversation.turn
        print(f"{turn.speaker or scenario.persona.name}: {turn.say}")
        shown = conversation.shown()
        for number, option in enumerate(shown, start=1):
            print(f"  {number}. {option.say}")
        if not shown:
            print("  (answer in your own words)")
        answer = _ask("Your reply (a number, or your own words; empty to stop): ")
        if not answer:
            print("Call stopped.")
            return 0
        try:
            if re.fullmatch(r"\d+", answer):
                number = int(answer)
                if not 1 <= number <= len(shown):
                    print(f"  (choose a number from 1 to {len(shown)}, or type your own words)")
                    continue
                step = conversation.choose(shown[number - 1].id)
            else:
                step = _say_own_words(conversation, answer)
                if step is None:
                    continue
        except InputError as error:
            print(f"  ({error})")
            continue
        print(f"  [{step.code.replace('_', ' ')}] {step.feedback}")
        print(f"  rapport {step.state['rapport']}/10, readiness {step.state['readiness']}/10\n")
    transcript = conversation.transcript()
    ending = conversation.ending
    if ending.say:
        print(f"{scenario.persona.name}: {ending.say}")
    print(f"\nOutcome: {transcript.outcome} ({'passed' if transcript.passed else 'not passed'})")
    print(transcript.debrief)
    for line in transcript.notes + transcript.summary.describe():
        print(f"- {line}")
    for item in transcript.rethink:
        print(f'- Rethink "{item.said}" ({item.did}): {" ".join(item.why)}')
        if item.better:
            print(f'  A better line: "{item.better}"')
    return 0
