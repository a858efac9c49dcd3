/* Role-play player for the Peer Coach Course book.
 *
 * Plays the data that peercoach.sphinxext.roleplay.page_data compiled with the Python engine.
 * Every rule lives in Python: this file keeps only mechanics (add effects within the bounds it is
 * given, follow branches, look up the judge's notes, the rethink entries and the MI counts that
 * Python computed). Replies are shown in the order peercoach.shuffle.display_order gives for the
 * attempt's seed (the same generator, ported exactly). Progress (seed and replies) is kept in
 * localStorage, so a reload resumes the call. No framework, nothing from another host; all
 * scenario text is set with textContent, so it is never parsed as HTML.
 */
(function () {
  "use strict";

  var METERS = [
    ["rapport", "Rapport", "How much they trust you and want to keep talking."],
    ["readiness", "Readiness", "How ready they are to work on a change."],
    ["confidence", "Confidence", "How sure they are they can do the plan (0 to 10, asked in the call)."]
  ];
  var STORE = "peercoach-roleplay:";

  /* ---- shuffle: peercoach.shuffle, exactly ---- */

  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(text);
    return unescape(encodeURIComponent(text)).split("").map(function (c) { return c.charCodeAt(0); });
  }

  function fnv1a(text) {
    var value = 0x811c9dc5, bytes = utf8(text);
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0;
    return value;
  }

  function mulberry32(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
      t = (t ^ ((t + (Math.imul(t ^ (t >>> 7), t | 61) >>> 0)) >>> 0)) >>> 0;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function displayOrder(seed, turnId, count) {
    var draw = mulberry32((seed ^ fnv1a(turnId)) >>> 0), order = [];
    for (var k = 0; k < count; k++) order.push(k);
    for (var i = count - 1; i > 0; i--) {
      var j = Math.floor(draw() * (i + 1)), kept = order[i];
      order[i] = order[j];
      order[j] = kept;
    }
    return order;
  }

  function newSeed() {
    var words = new Uint32Array(1);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(words);
    else words[0] = Math.floor(Math.random() * 2147483647);
    return 1 + (words[0] % 2147483646);
  }

  /* ---- mechanics: walk the compiled data ---- */

  var COMPARE = {
    ">=": function (a, b) { return a >= b; }, "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; }, "<": function (a, b) { return a < b; },
    "==": function (a, b) { return a === b; }, "!=": function (a, b) { return a !== b; }
  };

  function within(value, range) { return Math.max(range[0], Math.min(range[1], value)); }

  function apply(option, state, range) {
    var next = { rapport: within(state.rapport + option.effect.rapport, range),
                 readiness: within(state.readiness + option.effect.readiness, range),
                 confidence: state.confidence };
    if (next.confidence !== null && option.effect.confidence) {
      next.confidence = within(next.confidence + option.effect.confidence, range);
    }
    if (option.confidence !== null && option.confidence !== undefined) next.confidence = option.confidence;
    return next;
  }

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
    throw new Error("no branch holds after reply " + option.id);
  }

  function isTurn(node) { return Array.isArray(node.options); }

  function startCall(data, seed) {
    var index = {};
    data.endings.concat(data.turns).forEach(function (node) { index[node.id] = node; });
    var call = { data: data, index: index, seed: seed || 0, steps: [], redFlags: [] };
    call.state = { rapport: data.state.rapport, readiness: data.state.readiness,
                   confidence: data.state.confidence === undefined ? null : data.state.confidence };
    visit(call, index[data.start]);
    return call;
  }

  function visit(call, node) {
    call.node = node;
    if (isTurn(node) && node.red_flag) call.redFlags.push(node.id);
  }

  function finished(call) { return !isTurn(call.node); }

  function shown(call) {
    var turn = call.node;
    if (finished(call) || turn.own_words) return [];
    return displayOrder(call.seed, turn.id, turn.options.length).map(function (i) { return turn.options[i]; });
  }

  function optionOf(turn, id) {
    for (var i = 0; i < turn.options.length; i++) if (turn.options[i].id === id) return turn.options[i];
    throw new Error("reply " + id + " does not exist at turn " + turn.id);
  }

  function play(call, optionId) {
    if (finished(call)) throw new Error("the call has already ended");
    if (call.node.own_words) throw new Error("turn " + call.node.id + " takes the coach's own words");
    var option = optionOf(call.node, optionId);
    return move(call, option, option.say, option.safety, null);
  }

  function move(call, option, coach, safety, text) {
    var turn = call.node, ends = option === null;
    if (!ends) call.state = apply(option, call.state, call.data.state_range);
    var step = { turn: turn.id, participant: turn.say, option: ends ? "" : option.id,
                 code: ends ? "advice_without_permission" : option.code, coach: coach,
                 feedback: ends ? safety.advice[0] : option.feedback, safety: safety,
                 state: { rapport: call.state.rapport, readiness: call.state.readiness,
                          confidence: call.state.confidence } };
    if (text !== null) step.text = text;
    var typed = text !== null && understanding() ? understanding().typed(sharedOf(call.data), turn, text) : null;
    if (typed) { step.code = typed.code; step.mi = typed.counts; }
    call.steps.push(step);
    if (ends) {
      call.node = call.data.unsafe_ending;
      return step;
    }
    visit(call, call.index[nextId(option, call.state)]);
    if (!finished(call) && call.steps.length >= call.data.max_steps) call.node = call.data.timeout;
    return step;
  }

  /* ---- own words: peercoach.engine.read_text on the tables Python compiled ---- */

  var wordsModule = null;
  function understanding() {
    if (wordsModule) return wordsModule;
    if (typeof window !== "undefined" && window.peercoachWords) wordsModule = window.peercoachWords;
    else if (typeof require === "function") wordsModule = require("./roleplay-words.js");
    return wordsModule;
  }

  function sharedOf(data) {
    return data.shared || (typeof window !== "undefined" ? window.peercoachRoleplayShared : null);
  }

  /* What `text` would be taken as at the current turn, without playing it (engine.read_text):
   advice ends the call; words close to no reply are unclear; at a red flag, words taken as an
   escalating reply must make that escalation, and words that escalate are taken as the reply
   that makes the same one. `code` is the MI code to weigh with (null: none; left out: the MI
   coder's code for the words, as the engine weighs them). */
  function interpret(call, text, code) {
    if (finished(call)) throw new Error("the call has already ended");
    var turn = call.node, shared = sharedOf(call.data), words = understanding();
    var notes = call.data.reading_notes;
    text = typeof text === "string" ? text : "";
    if (code === undefined) code = (words.typed(shared, turn, text) || { code: null }).code;
    var safety = words.checkLine(shared.safety, text, turn.say);
    var reading = { text: text, safety: safety, option: null, score: 0.0, unclear: false,
                    endsCall: safety.advice.length > 0, explanation: "" };
    if (reading.endsCall) {
      reading.explanation = safety.advice.join(" ");
      return reading;
    }
    var match = words.route(call.data.routing, shared.lexicon, turn, text, code || null);
    var option = match.index === null ? null : turn.options[match.index], note = "";
    reading.score = match.score;
    if (turn.red_flag) {
      var made = safety.escalations, found = false;
      if (made.length) {
        turn.options.forEach(function (candidate) {
          if (!found && candidate.safety.escalations.some(function (w) { return made.indexOf(w) >= 0; })) {
            option = candidate; note = notes.same_step; found = true;
          }
        });
      }
      if (!found && option !== null) {
        var needed = option.safety.escalations;
        if (needed.length && !needed.some(function (w) { return made.indexOf(w) >= 0; })) {
          option = null; note = notes.red_flag;
        }
      }
    }
    reading.option = option;
    reading.unclear = option === null;
    reading.explanation = note || (option === null ? notes.unclear : "");
    return reading;
  }

  /* Answer in the coach's own words; unclear words throw, and the call does not move. */
  function say(call, text, code) {
    var reading = interpret(call, text, code);
    if (reading.unclear) throw new Error("the words were not understood here");
    return move(call, reading.option, text, reading.safety, text);
  }

  /* The notes of peercoach.engine.judge, part by part from the tables Python computed. */
  function judge(call) {
    var table = call.data.judge, part = table.outcomes[call.node.outcome];
    var confidence = call.state.confidence, said = {}, notes = part.base.slice();
    var add = function (list) { notes.push.apply(notes, list); };
    add(part.confidence[confidence === null ? "None" : String(confidence)]);
    call.redFlags.forEach(function (id) { add(part.flags[id]); });
    call.steps.forEach(function (s) { s.safety.escalations.forEach(function (w) { said[w] = true; }); });
    add(part.said[table.words.filter(function (w) { return said[w]; }).join(",")]);
    if (call.steps.some(function (s) { return s.safety.advice.length; })) add(part.unsafe);
    if (call.steps.some(function (s) { return s.safety.secrecy; })) add(part.secret);
    return { passed: notes.length === 0, notes: notes };
  }

  /* ---- the MI summary: Python's per-reply counts added up (after a permission question or not);
   levels and lines as in mi.summary ---- */

  function summarise(data, steps) {
    var s = {}, asked = false;
    steps.forEach(function (step) {
      var reply = step.mi || (data.mi.counts[step.turn] || {})[step.option];
      if (!reply) return;
      var counts = asked ? reply.asked : reply.plain;
      Object.keys(counts).forEach(function (k) { s[k] = (s[k] || 0) + counts[k]; });
      asked = reply.asks;
    });
    Object.keys(data.mi.counts[data.turns[0].id][data.turns[0].options[0].id].plain).forEach(function (k) {
      s[k] = s[k] || 0;
    });
    var level = function (value, key) {
      if (value === null) return "not enough to rate";
      if (value >= data.mi.good[key]) return "good";
      if (value >= data.mi.fair[key]) return "fair";
      return "below fair";
    };
    s.rq = s.questions ? s.reflections / s.questions : null;
    s.pct_cr = s.reflections ? 100.0 * s.complex_reflections / s.reflections : null;
    s.rq_level = s.rq === null && s.reflections ? "good" : level(s.rq, "rq");
    s.pct_cr_level = level(s.pct_cr, "pct_cr");
    s.permission_before_advice = !s.persuades;
    s.permission = !s.advice ? "not applicable" : (s.persuades ? "no" : "yes");
    return s;
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

  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }
  function times(n) { return n === 1 ? "time" : "times"; }

  function describe(s) {
    var ratio = s.rq === null ? (s.reflections ? "reflections only, no questions" : "nothing to rate yet")
      : pyFixed(s.rq, 1) + " reflections per question";
    var lines = [
      "Reflections and questions: " + plural(s.reflections, "reflection") + " and " +
        plural(s.questions, "question") + " (" + s.open_questions + " open, " + s.closed_questions +
        " closed; permission questions counted apart), so " + ratio + " (" + s.rq_level +
        "; fair is 1 reflection per question, good is 2).",
      s.pct_cr === null ? "Complex reflections: no reflections, so not rated (fair is 40%, good is 50%)."
        : "Complex reflections: " + s.complex_reflections + " of " + s.reflections + " (" +
          pyFixed(s.pct_cr, 0) + "%; " + s.pct_cr_level + "; fair is 40%, good is 50%).",
      "Affirming, asking permission and stressing their choice (counted apart from reflections and " +
        "questions): " + plural(s.affirmations, "affirmation") + ", " +
        plural(s.permissions, "permission question") + ", " + s.autonomy + " " + times(s.autonomy) +
        " stressing their choice.",
      !s.non_adherent ? "Advice without permission and confronting: none."
        : "Advice without permission: " + s.persuades + ". Confronting (labeling, warning, blaming): " +
          s.confronts + "."
    ];
    if (s.information) {
      lines.push("Information given: " + s.information + " " + times(s.information) +
                 " (neutral in MI, not counted against you).");
    }
    if (s.permission === "not applicable") {
      lines.push("Permission before advice: not applicable (no advice was given).");
    } else if (s.permission === "yes") {
      lines.push("Permission before advice: yes (" + plural(s.advice, "piece") + " of advice, each " +
                 "after asking, when they asked for it, or with a reminder that it is their choice).");
    } else {
      lines.push("Permission before advice: no (" + s.persuades + " of " + plural(s.advice, "piece") +
                 " of advice came without asking first).");
    }
    if (s.safety_steps) {
      lines.push("Safety steps: " + s.safety_steps + " (such as asking directly about suicide or giving " +
                 "the crisis line). They were left out of the ratios and the permission count: safety " +
                 "comes first, and these steps are required, not MI choices.");
    }
    return lines;
  }

  /* The turn to rethink for a step, added up from the parts Python computed
   (peercoach.sphinxext.roleplay.rethink_tables, in the engine's order): the advice the words
   gave, a promise of secrecy, what the step's code adds, what the reply taken adds; none when
   nothing is to rethink. Typed lines and chosen replies alike. */
  function rethinkOf(data, step) {
    var table = data.rethink, reply = (table.turns[step.turn] || {})[step.option];
    var code = table.codes[step.code];
    var why = step.safety.advice.concat(step.safety.secrecy ? table.secrecy : [], code.why, reply.after);
    if (!why.length) return null;
    return { turn: step.turn, said: step.coach, did: code.did, why: why, better: reply.better };
  }

  function transcript(call) {
    var data = call.data;
    var result = { scenario: data.id, state: call.state, ending: null, outcome: null, passed: false,
                   debrief: "", notes: [], steps: call.steps, summary: summarise(data, call.steps),
                   rethink: call.steps.map(function (s) { return rethinkOf(data, s); })
                     .filter(function (r) { return r; }) };
    if (!finished(call)) return result;
    var verdict = judge(call);
    result.ending = call.node.id;
    result.outcome = call.node.outcome;
    result.debrief = call.node.debrief;
    result.passed = verdict.passed;
    result.notes = verdict.notes;
    return result;
  }

  function replay(data, inputs, seed) {
    var call = startCall(data, seed);
    inputs.forEach(function (input) { playInput(call, input); });
    return transcript(call);
  }

  function inputsOf(call) {
    return call.steps.map(function (s) { return s.text !== undefined ? { text: s.text } : { option: s.option }; });
  }

  function playInput(call, input) {
    return input.text !== undefined ? say(call, input.text) : play(call, input.option);
  }

  var api = { startCall: startCall, play: play, say: say, interpret: interpret, shown: shown,
              transcript: transcript, replay: replay, describe: describe, pyFixed: pyFixed,
              displayOrder: displayOrder, fnv1a: fnv1a };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  /* ---- view ---- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(className, text, onClick) {
    var b = el("button", "pc-button " + className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function words(value) { return String(value).replace(/_/g, " "); }

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function Player(root, data) {
    this.root = root;
    this.data = data;
    this.uid = "pc-rp-" + data.id;
    this.key = STORE + data.id;
    this.build();
    this.resume();
  }

  Player.prototype.build = function () {
    var d = this.data, p = d.persona, self = this;
    this.root.textContent = "";
    var intro = el("p", "pc-rp-intro");
    intro.appendChild(el("strong", null, d.title + ". "));
    intro.appendChild(document.createTextNode(d.summary + " You are talking with " + p.name + " (" +
      p.age + ", " + p.service + "). Goal: " + d.goal));
    this.root.appendChild(intro);
    this.root.appendChild(el("p", "pc-rp-howto", "How it works: choose what you would say next. " +
      "The meters show how the call is going. Stuck? Ask for a hint. At the end you get a review " +
      "of every reply."));
    this.meters = this.buildMeters();
    var settings = el("div", "pc-rp-settings");
    var label = el("label", "pc-rp-setting");
    this.feedbackSetting = el("input");
    this.feedbackSetting.type = "checkbox";
    this.feedbackSetting.className = "pc-rp-feedback-setting";
    this.feedbackSetting.checked = !!(load(STORE + "settings") || {}).feedback;
    this.feedbackSetting.addEventListener("change", function () {
      save(STORE + "settings", { feedback: self.feedbackSetting.checked });
    });
    label.appendChild(this.feedbackSetting);
    label.appendChild(document.createTextNode(" Show feedback after every reply"));
    settings.appendChild(label);
    this.root.appendChild(settings);
    this.log = el("div", "pc-rp-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", "Conversation");
    this.root.appendChild(this.log);
    this.choices = el("div", "pc-rp-choices");
    this.choices.setAttribute("role", "group");
    this.choices.setAttribute("aria-label", "Your reply");
    this.choices.tabIndex = -1;
    this.root.appendChild(this.choices);
    this.buildWords();
    var tools = el("div", "pc-rp-tools");
    this.hintButton = button("pc-rp-hint", "Hint", this.hint.bind(this));
    this.undoButton = button("pc-rp-undo", "Take back my last reply", this.undo.bind(this));
    this.restartButton = button("pc-rp-restart", "Start the call again", this.askRestart.bind(this));
    [this.hintButton, this.undoButton, this.restartButton].forEach(function (b) { tools.appendChild(b); });
    this.debrief = el("div", "pc-rp-debrief");
    this.debrief.hidden = true;
    this.debrief.tabIndex = -1;
    this.root.appendChild(this.debrief);
    this.root.appendChild(tools);
    this.confirmBox = el("div", "pc-rp-confirm");
    this.confirmBox.hidden = true;
    this.confirmBox.setAttribute("role", "group");
    this.confirmBox.setAttribute("aria-label", "Start again?");
    this.confirmBox.appendChild(el("p", null, "Start the call again? This call will be lost."));
    this.confirmBox.appendChild(button("pc-rp-confirm-yes", "Yes, start again", function () {
      self.restart(true);
    }));
    this.confirmBox.appendChild(button("pc-rp-confirm-no", "Keep going", function () {
      self.confirmBox.hidden = true;
      self.focusInView(self.restartButton);
    }));
    this.root.appendChild(this.confirmBox);
  };

  Player.prototype.buildMeters = function () {
    var box = this.meterBox = el("div", "pc-rp-meters"), meters = {}, uid = this.uid;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "How the call is going");
    METERS.forEach(function (m) {
      var row = el("div", "pc-rp-meter"), id = uid + "-" + m[0];
      var label = el("label", null, m[1]);
      label.htmlFor = id;
      var meter = el("meter");
      meter.id = id; meter.min = 0; meter.max = 10;
      var value = el("span", "pc-rp-meter-value");
      var explain = el("span", "pc-rp-meter-help", m[2]);
      explain.id = id + "-help";
      meter.setAttribute("aria-describedby", explain.id);
      row.appendChild(label); row.appendChild(meter); row.appendChild(value); row.appendChild(explain);
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

  /* Move the focus to `target` and, when the meters are stuck at the top of the window, scroll
   it out from under them (the browser only scrolls what is outside the window). */
  Player.prototype.focusInView = function (target) {
    target.focus();
    var bar = this.meterBox.getBoundingClientRect(), top = target.getBoundingClientRect().top;
    var stuck = window.getComputedStyle(this.meterBox).position === "sticky" && bar.top <= 100;
    if (stuck && top < bar.bottom + 8) window.scrollBy(0, top - bar.bottom - 8);
  };

  Player.prototype.store = function () {
    save(this.key, { seed: this.call.seed, inputs: inputsOf(this.call) });
  };

  /* Rebuild the call from the seed and replies kept in the browser (or start a new one). */
  Player.prototype.resume = function () {
    var kept = load(this.key);
    var self = this;
    if (kept && kept.seed && Array.isArray(kept.inputs)) {
      var inputs = kept.inputs.slice(0, this.data.max_steps);
      var typed = inputs.some(function (input) { return input && input.text !== undefined; });
      var go = function () {
        try {
          self.replayInputs(kept.seed, inputs);
          return;
        } catch (e) { /* the scenario changed: start again */ }
        self.restart(false);
      };
      if (!typed) return go();
      this.restart(false);
      return this.loadWords(go);
    }
    this.restart(false);
  };

  Player.prototype.replayInputs = function (seed, inputs) {
    var call = startCall(this.data, seed);
    inputs.forEach(function (input) { playInput(call, input); });
    this.call = call;
    this.redraw();
  };

  Player.prototype.redraw = function () {
    var self = this;
    this.log.textContent = "";
    this.debrief.hidden = true;
    this.debrief.textContent = "";
    this.confirmBox.hidden = true;
    this.call.steps.forEach(function (step) {
      self.say(self.data.persona.name, step.participant, "pc-rp-participant");
      self.showReply(step);
    });
    if (finished(this.call)) this.showEnding(false);
    else this.showTurn(false);
  };

  Player.prototype.askRestart = function () {
    if (!this.call.steps.length) return this.restart(true);
    this.confirmBox.hidden = false;
    this.focusInView(this.confirmBox.querySelector(".pc-rp-confirm-no"));
  };

  Player.prototype.restart = function (focus) {
    this.call = startCall(this.data, newSeed());
    this.store();
    this.redraw();
    if (focus) this.focusInView(this.choices);
  };

  Player.prototype.undo = function () {
    if (!this.call.steps.length) return;
    var inputs = inputsOf(this.call).slice(0, -1);
    this.replayInputs(this.call.seed, inputs);
    this.store();
    this.focusInView(this.choices);
  };

  Player.prototype.showTurn = function (focus) {
    var self = this, turnId = this.call.node.id;
    this.showState();
    this.say(this.data.persona.name, this.call.node.say, "pc-rp-participant");
    this.choices.textContent = "";
    this.choices.dataset.turn = turnId;
    shown(this.call).forEach(function (option) {
      var b = el("button", "pc-rp-choice");
      b.type = "button";
      b.dataset.option = option.id;
      b.dataset.code = option.code;
      b.appendChild(el("span", "pc-rp-choice-text", option.say));
      b.addEventListener("click", function () { self.choose(turnId, option.id); });
      self.choices.appendChild(b);
    });
    var ownWords = !!this.call.node.own_words;
    this.choices.hidden = ownWords;
    this.showWords(ownWords);
    this.hintButton.hidden = ownWords;
    this.hintButton.disabled = false;
    this.undoButton.hidden = !this.call.steps.length;
    if (focus) this.focusInView(ownWords || this.typedLast ? this.wordsInput : this.choices);
  };

  /* ---- own words: a text box at every turn, read back before it counts ---- */

  Player.prototype.buildWords = function () {
    var self = this, id = this.uid + "-words";
    var box = this.wordsBox = el("form", "pc-rp-words");
    box.setAttribute("novalidate", "");
    this.wordsLabel = el("label", "pc-rp-words-label", "Or say it in your own words:");
    this.wordsLabel.htmlFor = id;
    this.wordsInput = el("textarea", "pc-rp-words-input");
    this.wordsInput.id = id;
    this.wordsInput.rows = 2;
    this.wordsInput.maxLength = 2000;
    this.wordsInput.addEventListener("focus", function () { self.loadWords(function () {}); });
    this.wordsInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); self.submitWords(); }
    });
    var send = el("button", "pc-button pc-rp-words-send", "Say it");
    send.type = "submit";
    box.addEventListener("submit", function (event) { event.preventDefault(); self.submitWords(); });
    this.takenAs = el("div", "pc-rp-taken");
    this.takenAs.setAttribute("role", "status");
    this.takenAs.setAttribute("aria-live", "polite");
    [this.wordsLabel, this.wordsInput, send, this.takenAs].forEach(function (n) { box.appendChild(n); });
    this.root.appendChild(box);
  };

  Player.prototype.showWords = function (ownWords) {
    this.wordsBox.hidden = false;
    this.wordsLabel.textContent = ownWords ? "Answer in your own words:" : "Or say it in your own words:";
    this.wordsInput.value = "";
    this.takenAs.textContent = "";
    this.reading = null;
  };

  /* Load the shared routing and safety tables and the reader, once, when first needed. */
  Player.prototype.loadWords = function (done) {
    if (understanding() && sharedOf(this.data)) return done();
    var waiting = (this.root.ownerDocument.pcWordsWaiting = this.root.ownerDocument.pcWordsWaiting || []);
    waiting.push(done);
    if (waiting.length > 1) return;
    var base = assetBase(), scripts = [];
    if (!window.peercoachWords) scripts.push(base + "roleplay-words.js");
    if (!window.peercoachMI) scripts.push(base + "roleplay-mi.js");
    if (!window.peercoachRoleplayShared) scripts.push(base + "roleplay/_shared.js");
    var left = scripts.length;
    var finish = function () {
      if (--left > 0) return;
      waiting.splice(0).forEach(function (f) { f(); });
    };
    if (!left) { left = 1; finish(); return; }
    scripts.forEach(function (src) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = finish;
      tag.onerror = finish;
      document.head.appendChild(tag);
    });
  };

  Player.prototype.submitWords = function () {
    var self = this, text = this.wordsInput.value, turnId = this.call.node.id;
    if (finished(this.call) || !text.trim()) return;
    if (!understanding() || !sharedOf(this.data)) {
      this.takenAs.textContent = "One moment: getting ready to understand your words...";
      return this.loadWords(function () {
        if (!finished(self.call) && self.call.node.id === turnId) self.submitWords();
      });
    }
    var reading = interpret(this.call, text);
    this.takenAs.textContent = "";
    if (reading.endsCall) return this.acceptWords(reading, turnId);
    if (reading.unclear) {
      this.say("You", text, "pc-rp-coach pc-rp-unclear");
      this.say(this.data.persona.name, this.call.node.unclear_reply, "pc-rp-participant");
      this.takenAs.appendChild(el("p", "pc-rp-taken-why", reading.explanation));
      this.focusInView(this.wordsInput);
      return;
    }
    this.reading = reading;
    this.takenAs.appendChild(el("p", "pc-rp-taken-as", "Taken as: " + reading.option.say));
    if (reading.explanation) this.takenAs.appendChild(el("p", "pc-rp-taken-why", reading.explanation));
    var yes = button("pc-rp-taken-yes", "Yes, say that", function () { self.acceptWords(reading, turnId); });
    var no = button("pc-rp-taken-no", "Rephrase", function () {
      self.takenAs.textContent = "";
      self.reading = null;
      self.focusInView(self.wordsInput);
    });
    this.takenAs.appendChild(yes);
    this.takenAs.appendChild(no);
    this.focusInView(yes);
  };

  /* The words count: one move per turn, as with a chosen reply. */
  Player.prototype.acceptWords = function (reading, turnId) {
    if (finished(this.call) || this.call.node.id !== turnId || reading.text !== this.wordsInput.value) return;
    var step = move(this.call, reading.option, reading.text, reading.safety, reading.text);
    this.store();
    this.showReply(step);
    this.typedLast = true;
    if (finished(this.call)) this.showEnding(true);
    else this.showTurn(true);
  };

  /* A hint on request: what kind of move each reply is, in MI terms. */
  Player.prototype.hint = function () {
    this.choices.querySelectorAll(".pc-rp-choice").forEach(function (b) {
      if (!b.querySelector(".pc-rp-choice-code")) {
        b.appendChild(el("span", "pc-rp-choice-code", " (" + words(b.dataset.code) + ")"));
      }
    });
    this.hintButton.disabled = true;
  };

  Player.prototype.showReply = function (step) {
    this.say("You", step.coach, "pc-rp-coach");
    if (this.feedbackSetting.checked) {
      this.say("Feedback", step.feedback + " (" + words(step.code) + ")", "pc-rp-feedback");
    }
  };

  /* One choice per turn: a second click or Enter on the same turn does nothing. */
  Player.prototype.choose = function (turnId, optionId) {
    if (finished(this.call) || this.call.node.id !== turnId) return;
    var step = play(this.call, optionId);
    this.typedLast = false;
    this.store();
    this.showReply(step);
    if (finished(this.call)) this.showEnding(true);
    else this.showTurn(true);
  };

  Player.prototype.showEnding = function (focus) {
    var ending = this.call.node, result = transcript(this.call), box = this.debrief;
    this.showState();
    if (ending.say) this.say(this.data.persona.name, ending.say, "pc-rp-participant");
    this.choices.textContent = "";
    this.choices.hidden = true;
    this.wordsBox.hidden = true;
    this.hintButton.hidden = true;
    this.undoButton.hidden = false;
    box.textContent = "";
    box.dataset.ending = result.ending;
    box.dataset.outcome = result.outcome;
    box.dataset.passed = String(result.passed);
    box.dataset.state = JSON.stringify(result.state);
    box.appendChild(el("p", "pc-rp-outcome", "End of the call. Outcome: " + words(result.outcome) +
      " (" + (result.passed ? "passed" : "not passed") + ")."));
    box.appendChild(el("p", "pc-rp-debrief-text", result.debrief));
    this.list(result.notes, "pc-rp-notes", "What to work on");
    this.list(describe(result.summary), "pc-rp-summary", "Your MI summary");
    this.review(result);
    box.hidden = false;
    if (focus) this.focusInView(box);
  };

  Player.prototype.list = function (lines, className, title) {
    if (!lines.length) return;
    this.debrief.appendChild(el("p", "pc-rp-list-title", title));
    var list = el("ul", className);
    lines.forEach(function (line) { list.appendChild(el("li", null, line)); });
    this.debrief.appendChild(list);
  };

  /* The review: every line with its code and why, then the turns to rethink with a better line. */
  Player.prototype.review = function (result) {
    var name = this.data.persona.name, box = this.debrief;
    box.appendChild(el("p", "pc-rp-list-title", "Review of the call"));
    var list = el("ol", "pc-rp-review");
    result.steps.forEach(function (step) {
      var item = el("li");
      item.appendChild(el("p", null, name + ": " + step.participant));
      item.appendChild(el("p", null, "You (" + words(step.code) + "): " + step.coach));
      item.appendChild(el("p", "pc-rp-review-why", step.feedback));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (!result.rethink.length) return;
    box.appendChild(el("p", "pc-rp-list-title", "Turns to rethink"));
    var again = el("ul", "pc-rp-rethink");
    result.rethink.forEach(function (r) {
      var item = el("li");
      item.appendChild(el("p", null, "You said: " + r.said + " (" + r.did + ")"));
      r.why.forEach(function (why) { item.appendChild(el("p", "pc-rp-review-why", why)); });
      if (r.better) item.appendChild(el("p", "pc-rp-better", "A better line: " + r.better));
      again.appendChild(item);
    });
    box.appendChild(again);
  };

  /* A button that shows or hides the numbered text version under the player. */
  function addTextSwitch(container) {
    var text = container.querySelector(".pc-roleplay-text");
    var b = el("button", "pc-button pc-rp-textswitch", "Show all paths as text");
    b.type = "button";
    b.setAttribute("aria-expanded", "false");
    text.id = text.id || container.dataset.scenario + "-text-version";
    b.setAttribute("aria-controls", text.id);
    b.addEventListener("click", function () {
      var open = container.classList.toggle("pc-show-text");
      b.setAttribute("aria-expanded", String(open));
      b.textContent = open ? "Hide the text version" : "Show all paths as text";
    });
    container.insertBefore(b, text);
  }

  /* The site's _static/ folder, from the address of this script. */
  var thisScript = typeof document !== "undefined" ? document.currentScript : null;
  function assetBase() {
    var src = thisScript && thisScript.src;
    if (!src) {
      var found = document.querySelector('script[src$="roleplay.js"]');
      src = found ? found.src : "_static/roleplay.js";
    }
    return src.replace(/[^\/]*$/, "");
  }

  function dataOf(container) {
    var inline = container.querySelector(".pc-roleplay-data:not([src])");
    if (inline) return JSON.parse(inline.textContent);
    return (window.peercoachScenarios || {})[container.dataset.scenario];
  }

  function init() {
    document.querySelectorAll(".pc-roleplay:not(.pc-js)").forEach(function (container) {
      var data = dataOf(container);
      if (!data) return;
      var root = container.querySelector(".pc-roleplay-player");
      root.hidden = false;
      container.classList.add("pc-js");
      container.player = new Player(root, data);
      addTextSwitch(container);
    });
  }

  window.peercoachRoleplay = api;

  /* The scenario data arrive in deferred scripts after this one: start once the page is parsed. */
  if (document.readyState === "complete") init();
  else {
    document.addEventListener("DOMContentLoaded", init);
    window.addEventListener("load", init);
  }
})();
