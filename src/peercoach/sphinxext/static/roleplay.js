/* Role-play player for the Peer Coach Course book.
 *
 * Walks the scenario data that peercoach.engine.compile_scenario produced (embedded in the page as
 * JSON) and mirrors the Python engine exactly: apply(), holds(), next_id(), judge() and the MITI
 * summary of peercoach.mi.summary. No framework, nothing from another host. All scenario text is
 * set with textContent, so it is never parsed as HTML.
 */
(function () {
  "use strict";

  var METERS = [["rapport", "Rapport"], ["readiness", "Readiness"], ["confidence", "Confidence"]];

  /* ---- engine: mirrors peercoach.engine ---- */

  function clamp(value) { return Math.max(0, Math.min(10, value)); }

  function apply(option, state) {
    var next = { rapport: state.rapport, readiness: state.readiness, confidence: state.confidence };
    next.rapport = clamp(next.rapport + option.effect.rapport);
    next.readiness = clamp(next.readiness + option.effect.readiness);
    if (next.confidence !== null && option.effect.confidence) {
      next.confidence = clamp(next.confidence + option.effect.confidence);
    }
    if (option.confidence !== null && option.confidence !== undefined) next.confidence = option.confidence;
    return next;
  }

  var COMPARE = {
    ">=": function (a, b) { return a >= b; }, "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; }, "<": function (a, b) { return a < b; },
    "==": function (a, b) { return a === b; }, "!=": function (a, b) { return a !== b; }
  };

  function holds(clauses, state) {
    return clauses.every(function (clause) {
      var value = state[clause[0]];
      return value !== null && value !== undefined && COMPARE[clause[1]](value, parseInt(clause[2], 10));
    });
  }

  function nextId(option, state) {
    for (var i = 0; i < option.next.length; i++) {
      if (holds(option.next[i].when, state)) return option.next[i].goto;
    }
    throw new Error("no branch holds");
  }

  function indexNodes(data) {
    var index = {};
    data.endings.concat(data.turns).forEach(function (node) { index[node.id] = node; });
    return index;
  }

  function isTurn(node) { return Array.isArray(node.options); }

  function startCall(data) {
    var call = { data: data, index: indexNodes(data), steps: [], redFlags: [] };
    call.state = { rapport: data.state.rapport, readiness: data.state.readiness,
                   confidence: data.state.confidence === undefined ? null : data.state.confidence };
    visit(call, call.index[data.start]);
    return call;
  }

  function visit(call, node) {
    call.node = node;
    if (isTurn(node) && node.red_flag) call.redFlags.push(node);
  }

  function finished(call) { return !isTurn(call.node); }

  function play(call, choice) {
    var turn = call.node;
    if (finished(call)) throw new Error("the call has already ended");
    var option = turn.options[choice];
    if (!option) throw new Error("choice " + choice + " does not exist at turn " + turn.id);
    call.state = apply(option, call.state);
    var step = { turn: turn.id, option: choice, code: option.code, coding: option.coding,
                 feedback: option.feedback, coach: option.say,
                 state: { rapport: call.state.rapport, readiness: call.state.readiness,
                          confidence: call.state.confidence } };
    call.steps.push(step);
    visit(call, call.index[nextId(option, call.state)]);
    if (!finished(call) && call.steps.length >= call.data.max_steps) call.node = call.data.timeout;
    return step;
  }

  function judge(data, ending, state, redFlags) {
    var notes = [];
    if (data.passing.indexOf(ending.outcome) < 0) {
      notes.push("The call ended as " + ending.outcome.replace(/_/g, " ") + ".");
    }
    if (ending.outcome === "action_plan") {
      var confidence = state.confidence;
      if (confidence === null || confidence < data.plan_confidence) {
        notes.push("The plan was agreed at confidence " + (confidence === null ? "None" : confidence) +
                   "; under " + data.plan_confidence +
                   ", revise the plan until the participant is confident.");
      }
    }
    redFlags.forEach(function (flag) {
      var allowed = flag.red_flag.escalate_to.map(function (e) { return data.escalation_outcomes[e]; });
      if (allowed.indexOf(ending.outcome) < 0) {
        notes.push("A red flag (" + flag.red_flag.reason + ") was not escalated as required.");
      }
    });
    return { passed: notes.length === 0, notes: notes };
  }

  /* ---- MITI summary: mirrors peercoach.mi.summary ---- */

  var FAIR = { rq: 1.0, pct_cr: 40.0 };
  var GOOD = { rq: 2.0, pct_cr: 50.0 };

  function level(value, key) {
    if (value === null) return "not enough to rate";
    if (value >= GOOD[key]) return "good";
    if (value >= FAIR[key]) return "fair";
    return "below fair";
  }

  function permissionBeforeAdvice(codings) {
    var asked = false;
    for (var i = 0; i < codings.length; i++) {
      var c = codings[i];
      if (c.persuade) return false;
      if (c.permission) asked = true;
      else if (c.behaviour === "input" && !asked) return false;
    }
    return true;
  }

  function count(list, test) { return list.filter(test).length; }

  function summarise(codings) {
    var q = codings.filter(function (c) { return c.behaviour === "question"; });
    var r = codings.filter(function (c) { return c.behaviour === "reflection"; });
    var cr = count(r, function (c) { return c.subtype === "complex"; });
    var rq = q.length ? r.length / q.length : null;
    var pctCr = r.length ? 100.0 * cr / r.length : null;
    return {
      questions: q.length, reflections: r.length, complex_reflections: cr,
      inputs: count(codings, function (c) { return c.behaviour === "input"; }),
      adherent: count(codings, function (c) { return c.affirmation || c.permission || c.autonomy; }),
      non_adherent: count(codings, function (c) { return c.persuade || c.confront; }),
      rq: rq, pct_cr: pctCr,
      permission_before_advice: permissionBeforeAdvice(codings),
      rq_level: rq === null && r.length ? "good" : level(rq, "rq"),
      pct_cr_level: level(pctCr, "pct_cr")
    };
  }

  /* Python's f"{x:.Nf}": like toFixed, but an exact tie rounds to even. */
  function pyFixed(x, digits) {
    var exact = x.toFixed(100).split(".");
    var tail = exact[1].slice(digits);
    var tie = tail.charAt(0) === "5" && /^0*$/.test(tail.slice(1));
    var kept = exact[0] + exact[1].slice(0, digits);
    if (tie && parseInt(kept.charAt(kept.length - 1), 10) % 2 === 0) {
      return digits ? exact[0] + "." + exact[1].slice(0, digits) : exact[0];
    }
    return x.toFixed(digits);
  }

  function describe(s) {
    var rq = s.rq === null ? "no questions asked" : pyFixed(s.rq, 1) + " reflections per question";
    var cr = s.pct_cr === null ? "no reflections" : pyFixed(s.pct_cr, 0) + "% complex reflections";
    var lines = [
      "Reflections to questions: " + rq + " (" + s.rq_level + "; fair is 1:1, good is 2:1).",
      "Complex reflections: " + cr + " (" + s.pct_cr_level + "; fair is 40%, good is 50%).",
      "MI-adherent moves: " + s.adherent + ". Non-adherent moves: " + s.non_adherent + "."
    ];
    if (s.inputs) {
      lines.push("Asked permission before giving advice or information: " +
                 (s.permission_before_advice ? "yes" : "no") + ".");
    }
    return lines;
  }

  function transcript(call) {
    var result = { scenario: call.data.id, state: call.state, ending: null, outcome: null,
                   passed: false, debrief: "", notes: [],
                   summary: summarise(call.steps.map(function (s) { return s.coding; })) };
    if (!finished(call)) return result;
    var verdict = judge(call.data, call.node, call.state, call.redFlags);
    result.ending = call.node.id;
    result.outcome = call.node.outcome;
    result.debrief = call.node.debrief;
    result.passed = verdict.passed;
    result.notes = verdict.notes;
    return result;
  }

  function replay(data, choices) {
    var call = startCall(data);
    choices.forEach(function (choice) { play(call, choice); });
    return transcript(call);
  }

  /* ---- view ---- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function words(value) { return String(value).replace(/_/g, " "); }

  function Player(root, data) {
    this.root = root;
    this.data = data;
    this.uid = "pc-rp-" + data.id;
    this.build();
    this.restart(false);
  }

  Player.prototype.build = function () {
    var d = this.data, p = d.persona;
    this.root.textContent = "";
    var intro = el("p", "pc-rp-intro");
    intro.appendChild(el("strong", null, d.title + ". "));
    intro.appendChild(document.createTextNode(
      d.summary + " You are talking with " + p.name + " (" + p.age + ", " + p.service + "). Goal: " + d.goal));
    this.root.appendChild(intro);
    this.meters = this.buildMeters();
    this.log = el("div", "pc-rp-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", "Conversation");
    this.root.appendChild(this.log);
    this.choices = el("div", "pc-rp-choices");
    this.choices.setAttribute("role", "group");
    this.choices.setAttribute("aria-label", "Your reply");
    this.root.appendChild(this.choices);
    this.debrief = el("div", "pc-rp-debrief");
    this.debrief.hidden = true;
    this.debrief.tabIndex = -1;
    this.root.appendChild(this.debrief);
    this.restartButton = el("button", "pc-button pc-rp-restart", "Start the call again");
    this.restartButton.type = "button";
    this.restartButton.addEventListener("click", this.restart.bind(this, true));
    this.root.appendChild(this.restartButton);
  };

  Player.prototype.buildMeters = function () {
    var box = el("div", "pc-rp-meters"), meters = {}, uid = this.uid;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "How the call is going");
    METERS.forEach(function (m) {
      var row = el("div", "pc-rp-meter"), id = uid + "-" + m[0];
      var label = el("label", null, m[1]);
      label.htmlFor = id;
      var meter = el("meter");
      meter.id = id; meter.min = 0; meter.max = 10;
      var value = el("span", "pc-rp-meter-value");
      row.appendChild(label); row.appendChild(meter); row.appendChild(value);
      box.appendChild(row);
      meters[m[0]] = { row: row, meter: meter, value: value };
    });
    this.root.appendChild(box);
    return meters;
  };

  Player.prototype.showState = function () {
    var state = this.call.state;
    METERS.forEach(function (m) {
      var parts = this.meters[m[0]], value = state[m[0]];
      parts.row.dataset.value = value === null ? "" : String(value);
      parts.meter.hidden = value === null;
      if (value !== null) {
        parts.meter.value = value;
        parts.meter.setAttribute("aria-valuetext", value + " of 10");
      }
      parts.value.textContent = value === null ? "not rated yet" : value + " of 10";
    }, this);
  };

  Player.prototype.say = function (speaker, text, className) {
    var line = el("p", "pc-rp-line " + className);
    line.appendChild(el("span", "pc-rp-speaker", speaker + ": "));
    line.appendChild(document.createTextNode(text));
    this.log.appendChild(line);
    return line;
  };

  Player.prototype.restart = function (focus) {
    this.call = startCall(this.data);
    this.log.textContent = "";
    this.debrief.hidden = true;
    this.debrief.textContent = "";
    this.showTurn(focus);
  };

  Player.prototype.showTurn = function (focus) {
    this.showState();
    this.say(this.data.persona.name, this.call.node.say, "pc-rp-participant");
    this.choices.textContent = "";
    this.call.node.options.forEach(function (option, index) {
      var button = el("button", "pc-rp-choice", option.say);
      button.type = "button";
      button.dataset.choice = String(index);
      button.addEventListener("click", this.choose.bind(this, index));
      this.choices.appendChild(button);
    }, this);
    this.choices.hidden = false;
    if (focus) this.choices.firstChild.focus();
  };

  Player.prototype.choose = function (index) {
    var step = play(this.call, index);
    this.say("You", step.coach + " (" + words(step.code) + ")", "pc-rp-coach");
    this.say("Feedback", step.feedback, "pc-rp-feedback");
    if (finished(this.call)) this.showEnding();
    else this.showTurn(true);
  };

  Player.prototype.showEnding = function () {
    var ending = this.call.node, result = transcript(this.call), box = this.debrief;
    this.showState();
    if (ending.say) this.say(this.data.persona.name, ending.say, "pc-rp-participant");
    this.choices.textContent = "";
    this.choices.hidden = true;
    box.dataset.ending = result.ending;
    box.dataset.outcome = result.outcome;
    box.dataset.passed = String(result.passed);
    box.dataset.state = JSON.stringify(result.state);
    box.appendChild(el("p", "pc-rp-outcome", "End of the call. Outcome: " + words(result.outcome) +
      " (" + (result.passed ? "passed" : "not passed") + ")."));
    box.appendChild(el("p", "pc-rp-debrief-text", result.debrief));
    this.list(result.notes, "pc-rp-notes", "What to work on");
    this.list(describe(result.summary), "pc-rp-summary", "Your MI summary");
    box.hidden = false;
    box.focus();
  };

  Player.prototype.list = function (lines, className, title) {
    if (!lines.length) return;
    this.debrief.appendChild(el("p", "pc-rp-list-title", title));
    var list = el("ul", className);
    lines.forEach(function (line) { list.appendChild(el("li", null, line)); });
    this.debrief.appendChild(list);
  };

  /* A button that shows or hides the numbered text version under the player. */
  function addTextSwitch(container) {
    var text = container.querySelector(".pc-roleplay-text");
    var button = el("button", "pc-button pc-rp-textswitch", "Show all paths as text");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    text.id = text.id || container.dataset.scenario + "-text-version";
    button.setAttribute("aria-controls", text.id);
    button.addEventListener("click", function () {
      var open = container.classList.toggle("pc-show-text");
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide the text version" : "Show all paths as text";
    });
    container.insertBefore(button, text);
  }

  function init() {
    document.querySelectorAll(".pc-roleplay").forEach(function (container) {
      var data = JSON.parse(container.querySelector(".pc-roleplay-data").textContent);
      var root = container.querySelector(".pc-roleplay-player");
      root.hidden = false;
      container.classList.add("pc-js");
      container.player = new Player(root, data);
      addTextSwitch(container);
    });
  }

  window.peercoachRoleplay = { startCall: startCall, play: play, transcript: transcript,
                               replay: replay, summarise: summarise, describe: describe,
                               pyFixed: pyFixed };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
