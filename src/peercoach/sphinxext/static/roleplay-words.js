/* Typed words in the page player: what they mean, and whether they are safe.
 *
 * A port of two Python functions, run on tables that Python compiled at build time, so no rule,
 * threshold, word list or cue is written here:
 *   - route(): peercoach.routing.score_compiled (normalise, correct typos, drop fillers, fold
 *     concepts, IDF-weighted cosine against each reply's lines, MI code factor, decide), on
 *     peercoach.sphinxext.roleplay.routing_tables and the shared routing lexicon;
 *   - checkLine(): peercoach.engine.check_line (medical advice and escalation cues of
 *     peercoach.safety with their guards, and the secrecy pattern), on the regular expressions
 *     of peercoach.sphinxext.roleplay.safety_tables;
 *   - typed(): a typed line's MI code, coding and summary counts, by roleplay-mi.js.
 * Node's agreement test (tests/book/test_roleplay_words.py) checks both against Python.
 * Lookups use own properties only, so typed words such as "constructor" are plain words.
 */
(function () {
  "use strict";

  var own = Object.prototype.hasOwnProperty;
  function has(table, key) { return own.call(table, key); }
  function get(table, key, fallback) { return has(table, key) ? table[key] : fallback; }

  /* The first `n` code points of `text` (Python slices by code point). */
  function head(text, n) {
    if (text.length <= n) return text;
    var out = 0, count = 0;
    while (out < text.length && count < n) {
      var code = text.charCodeAt(out);
      out += code >= 0xd800 && code <= 0xdbff && out + 1 < text.length ? 2 : 1;
      count++;
    }
    return text.slice(0, out);
  }

  /* Python's round(x, 6): the nearest 6-digit decimal, an exact tie to even (the player's
   pyFixed; roleplay.js loads this script, so it is there first). */
  var player = null;
  function round6(x) {
    if (!player) {
      player = typeof window !== "undefined" && window.peercoachRoleplay ? window.peercoachRoleplay
        : require("./roleplay.js");
    }
    return parseFloat(player.pyFixed(x, 6));
  }

  /* ---- routing: peercoach.routing ---- */

  var CUE = /\[[^\]]{0,200}\]/g;
  var WORD = /[a-z']+|[0-9]+/g;
  var NON_ASCII = /[^\x20-\x7e]+/g;

  function stripQuotes(word) { return word.replace(/^'+|'+$/g, ""); }

  function expand(word, lex) {
    if (has(lex.contractions, word)) return lex.contractions[word];
    for (var i = 0; i < lex.suffixes.length; i++) {
      var suffix = lex.suffixes[i][0];
      if (word.length > suffix.length && word.slice(-suffix.length) === suffix) {
        word = word.slice(0, -suffix.length) + lex.suffixes[i][1];
        break;
      }
    }
    word = word.replace(/'/g, "");
    return get(lex.spelling, word, word);
  }

  function ends(word) {
    for (var i = 1; i < arguments.length; i++) {
      if (word.slice(-arguments[i].length) === arguments[i]) return true;
    }
    return false;
  }

  function stem(word) {
    if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
    if (ends(word, "ies", "ied") && word.length > 4) return word.slice(0, -3) + "y";
    var stripped = false, rules = [["ing", 6], ["ed", 5]];
    for (var i = 0; i < rules.length; i++) {
      var suffix = rules[i][0];
      if (ends(word, suffix) && word.length >= rules[i][1]) {
        word = word.slice(0, -suffix.length);
        var n = word.length;
        if (n > 2 && word[n - 1] === word[n - 2] && "lsz".indexOf(word[n - 1]) < 0) word = word.slice(0, -1);
        stripped = true;
        break;
      }
    }
    if (!stripped) {
      if (ends(word, "ly") && word.length >= 6) word = word.slice(0, -2);
      else if (ends(word, "sses", "shes", "ches", "xes", "zes") && word.length >= 5) word = word.slice(0, -2);
      else if (ends(word, "s") && !ends(word, "ss", "us", "is") && word.length >= 4) word = word.slice(0, -1);
    }
    if (ends(word, "e") && word.length >= 4) word = word.slice(0, -1);
    return word;
  }

  function words(text, lex) {
    var limits = lex.thresholds, most = Math.floor(get(limits, "max_tokens", 150));
    text = head(text, Math.floor(get(limits, "max_chars", 2000))).replace(CUE, " ");
    text = text.replace(/\u2019/g, "'").replace(/\u2018/g, "'");
    text = text.normalize("NFKD").replace(NON_ASCII, " ").toLowerCase();
    var out = [], found;
    WORD.lastIndex = 0;
    while ((found = WORD.exec(text)) !== null) {
      var parts = expand(stripQuotes(found[0]), lex).split(/\s+/).filter(Boolean);
      for (var i = 0; i < parts.length; i++) out.push(stem(get(lex.numbers, parts[i], parts[i])));
      if (out.length >= most) break;
    }
    return out.slice(0, most);
  }

  function startsWith(tokens, i, phrase) {
    if (i + phrase.length > tokens.length) return false;
    for (var k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) return false;
    return true;
  }

  function dropFillers(tokens, fillers) {
    var out = [], i = 0;
    outer: while (i < tokens.length) {
      for (var f = 0; f < fillers.length; f++) {
        if (startsWith(tokens, i, fillers[f])) { i += fillers[f].length; continue outer; }
      }
      out.push(tokens[i]);
      i++;
    }
    return out;
  }

  function fold(tokens, phrases) {
    var out = [], i = 0;
    outer: while (i < tokens.length) {
      var pairs = get(phrases, tokens[i], []);
      for (var p = 0; p < pairs.length; p++) {
        if (startsWith(tokens, i, pairs[p][0])) { out.push(pairs[p][1]); i += pairs[p][0].length; continue outer; }
      }
      out.push(tokens[i]);
      i++;
    }
    return out;
  }

  function withinOneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a === b) return a === b;
    var i = 0;
    while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a.slice(i, i + 2) === b.slice(i, i + 2).split("").reverse().join("") && a.slice(i + 2) === b.slice(i + 2));
    }
    var longer = a.length > b.length ? a : b, shorter = a.length > b.length ? b : a;
    return longer.slice(i + 1) === shorter.slice(i);
  }

  function correct(tokens, limit, tables) {
    var fixed = {}, count = 0, out = [];
    tokens.forEach(function (token) {
      var size = token.length, key = String(size);
      if (has(fixed, token)) token = fixed[token];
      else if (count < limit && size >= 5 && /^[a-z]+$/.test(token)) {
        var unknown = tables.every(function (k) { return get(k, key, []).indexOf(token) < 0; });
        if (unknown) {
          var best = null;
          tables.forEach(function (k) {
            [size - 1, size, size + 1].forEach(function (n) {
              get(k, String(n), []).forEach(function (w) {
                if (withinOneEdit(token, w) && (best === null || w < best)) best = w;
              });
            });
          });
          fixed[token] = best === null ? token : best;
          count++;
          token = fixed[token];
        }
      }
      out.push(token);
    });
    return out;
  }

  function tokens(text, lex, known) {
    var found = words(text, lex);
    if (known) found = correct(found, Math.floor(lex.thresholds.max_corrections), [known, lex.known]);
    return fold(dropFillers(found, lex.fillers), lex.phrases);
  }

  function generalOf(lex, token) { return get(lex.general, token, 1.0); }

  function features(toks, lex) {
    var content = toks.filter(function (t) { return generalOf(lex, t) >= 1.0; }), all = toks.slice();
    for (var i = 0; i + 1 < content.length; i++) all.push(content[i] + " " + content[i + 1]);
    var seen = {}, out = [];
    all.forEach(function (f) { if (!has(seen, f)) { seen[f] = true; out.push(f); } });
    return out;
  }

  function isContent(feature, lex) { return feature.indexOf(" ") >= 0 || generalOf(lex, feature) >= 1.0; }

  function codeFactor(routing, lex, optionCode, code) {
    if (code === null || code === undefined) return 1.0;
    if (code === optionCode) return 1.0 + lex.thresholds.same_code;
    var family = routing.families.some(function (f) { return f.indexOf(code) >= 0 && f.indexOf(optionCode) >= 0; });
    return family ? 1.0 + lex.thresholds.same_family : 1.0;
  }

  /* peercoach.routing.score_compiled for one turn of the page data; `code` may be null. */
  function route(routing, lex, turn, text, code) {
    var table = routing.turns[turn.id], index = table.index;
    if (!index) {
      index = {};
      table.features.forEach(function (f, i) { index[f] = i; });
      table.index = index;
    }
    text = typeof text === "string" ? text : "";
    var query = {}, order = [];
    features(tokens(text, lex, table.known), lex).forEach(function (f) {
      if (has(index, f)) { query[f] = table.weights[index[f]]; order.push(f); }
      else if (f.indexOf(" ") < 0) { query[f] = table.unknown * generalOf(lex, f); order.push(f); }
    });
    var sum = 0;
    order.forEach(function (f) { sum += query[f] * query[f]; });
    var norm = Math.sqrt(sum), scores = [];
    turn.options.forEach(function (option, o) {
      var best = 0.0;
      table.lines[o].forEach(function (line) {
        var score = 0.0;
        if (norm && line[1]) {
          var shared = line[0].map(function (i) { return table.features[i]; })
            .filter(function (f) { return has(query, f); });
          if (!line[2] || shared.some(function (f) { return isContent(f, lex); })) {
            var total = 0;
            shared.forEach(function (f) { total += query[f] * query[f]; });
            score = total / (norm * line[1]);
          }
        }
        if (score > best) best = score;
      });
      scores.push(round6(Math.min(1.0, best * codeFactor(routing, lex, option.code, code))));
    });
    return decide(lex, turn, scores);
  }

  function decide(lex, turn, scores) {
    var limits = lex.thresholds;
    if (!scores.length) return { index: null, option: null, score: 0.0, scores: scores };
    var order = scores.map(function (s, i) { return i; });
    order.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    var best = scores[order[0]], second = order.length > 1 ? scores[order[1]] : 0.0;
    var none = { index: null, option: null, score: best, scores: scores };
    if (best < limits.min_score) return none;
    if (best - second < limits.margin && best < limits.clear_score) return none;
    return { index: order[0], option: turn.options[order[0]].id, score: best, scores: scores };
  }

  /* ---- safety: peercoach.safety and peercoach.engine.check_line ---- */

  /* A RegExp object is cheap; V8 compiles its source the first time it runs, which for the
   * large cue patterns is what made the first typed line slow. So each pattern carries the
   * word sets of peercoach.safety.prefilter ("needs"): when the line lacks a word of one set,
   * the pattern cannot match and is not run. */
  function compiled(safety) {
    if (safety.compiled) return safety.compiled;
    var make = function (source) { return source === undefined ? null : new RegExp(source, "gi"); };
    var needs = function (c, key) { return (c.needs && c.needs[key]) || null; };
    var cueSet = function (set) {
      var one = function (c) {
        return { id: c.id, kind: c.kind, reason: c.reason, scope: c.scope,
                 appliesTo: c.applies_to || [], pattern: make(c.pattern), previous: make(c.previous),
                 leadIn: make(c.lead_in), context: make(c.context), unless: make(c.unless),
                 contextKey: c.context, needs: { pattern: needs(c, "pattern"),
                 previous: needs(c, "previous"), leadIn: needs(c, "lead_in"),
                 context: needs(c, "context"), unless: needs(c, "unless") } };
      };
      return { cues: set.cues.map(one), guards: set.guards.map(one) };
    };
    var text = {};
    Object.keys(safety.text).forEach(function (k) { text[k] = make(safety.text[k]); });
    safety.compiled = { advice: cueSet(safety.advice), escalation: cueSet(safety.escalation),
                        secrecy: make(safety.secrecy), text: text };
    return safety.compiled;
  }

  /* peercoach.safety.prefilter.lower and satisfies. */
  function asciiLower(text) {
    return text.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
  }
  function satisfies(sets, lowered) {
    if (!sets) return true;
    for (var i = 0; i < sets.length; i++) {
      var found = false;
      for (var w = 0; w < sets[i].length && !found; w++) found = lowered.indexOf(sets[i][w]) >= 0;
      if (!found) return false;
    }
    return true;
  }

  /* Python's pattern.search(string, pos, endpos): true when there is a match in that window. */
  function search(re, text, pos, endpos) {
    re.lastIndex = pos || 0;
    var subject = endpos === undefined ? text : text.slice(0, endpos);
    return re.lastIndex <= subject.length && re.exec(subject) !== null;
  }

  function blank(match) { return new Array(match.length + 1).join(" "); }

  function clean(safety, rx, text) {
    text = head(text, safety.limits.max_chars);
    var quotes = safety.quotes, out = "";
    for (var i = 0; i < text.length; i++) out += get(quotes, text[i], text[i]);
    out = out.replace(rx.text.control, " ").replace(rx.text.tag, blank);
    out = out.replace(rx.text.dropped_g, function (m) { return m.slice(0, 2) + "g"; });
    return out.replace(rx.text.filler, blank).replace(rx.text.restart, blank);
  }

  function clauses(safety, rx, text) {
    var spans = [], sentence;
    rx.text.clause.lastIndex = 0;
    while ((sentence = rx.text.clause.exec(text)) !== null) {
      if (sentence[0] === "") { rx.text.clause.lastIndex++; continue; }
      var start = sentence.index, cut, but = rx.text.but;
      but.lastIndex = 0;
      while ((cut = but.exec(sentence[0])) !== null) {
        if (cut[0] === "") { but.lastIndex++; continue; }
        spans.push([start, sentence.index + cut.index]);
        start = sentence.index + cut.index + cut[0].length;
      }
      spans.push([start, sentence.index + sentence[0].length]);
    }
    return spans.filter(function (s) {
      return text.slice(s[0], s[1]).replace(/^[ .!?;,]+|[ .!?;,]+$/g, "") !== "";
    }).slice(0, safety.limits.max_clauses);
  }

  function cancels(guard, cue, text, start, clause, match, seen, lookBack) {
    if (guard.appliesTo.length && guard.appliesTo.indexOf(cue.id) < 0 && guard.appliesTo.indexOf(cue.kind) < 0) {
      return false;
    }
    if (!satisfies(guard.needs.pattern, seen.lowered)) return false;
    if (guard.scope === "text" || guard.scope === "clause") {
      var key = guard.id + "\u0000" + (guard.scope === "text" ? -1 : start);
      if (!has(seen, key)) seen[key] = search(guard.pattern, guard.scope === "text" ? text : clause);
      return seen[key];
    }
    var end = match.index + match[0].length;
    if (guard.scope === "after") return search(guard.pattern, clause.slice(end, end + lookBack));
    return search(guard.pattern, clause, Math.max(0, match.index - lookBack), match.index);
  }

  function firstUnguarded(safety, cue, guards, text, spans, seen) {
    var limits = safety.limits;
    if (!satisfies(cue.needs.pattern, seen.lowered)) return null;
    var unless = cue.unless && satisfies(cue.needs.unless, seen.lowered);
    var leadIn = !cue.leadIn || satisfies(cue.needs.leadIn, seen.lowered);
    for (var s = 0; s < spans.length; s++) {
      var start = spans[s][0], clause = text.slice(spans[s][0], spans[s][1]);
      if (unless && search(cue.unless, clause)) continue;
      var re = cue.pattern, match, tries = 0;
      re.lastIndex = 0;
      while ((match = re.exec(clause)) !== null) {
        if (tries === limits.max_tries) break;
        tries++;
        if (match[0] === "") { re.lastIndex++; continue; }
        var since = Math.max(0, match.index - limits.look_back);
        if (cue.leadIn && (!leadIn || !search(cue.leadIn, clause, since, match.index))) continue;
        var m = match;
        var cancelled = guards.some(function (g) {
          return cancels(g, cue, text, start, clause, m, seen, limits.look_back);
        });
        if (!cancelled) return [start + match.index, start + match.index + match[0].length];
      }
    }
    return null;
  }

  /* peercoach.safety.match.find: the cues that count in `text`, in the order of their spans. */
  function find(safety, set, text, previous) {
    var rx = compiled(safety);
    previous = previous || "";
    var cut = Array.from(previous);
    previous = cut.slice(Math.max(0, cut.length - safety.limits.max_previous)).join("");
    text = clean(safety, rx, text);
    previous = clean(safety, rx, previous);
    var spans = clauses(safety, rx, text), hits = [], seen = {};
    var lowPrevious = asciiLower(previous);
    seen.lowered = asciiLower(text);
    set.cues.forEach(function (cue, order) {
      if (cue.previous && (!satisfies(cue.needs.previous, lowPrevious) || !search(cue.previous, previous))) return;
      if (cue.context) {
        var key = "context\u0000" + cue.contextKey;
        if (!has(seen, key)) {
          seen[key] = (satisfies(cue.needs.context, seen.lowered) && search(cue.context, text)) ||
            (satisfies(cue.needs.context, lowPrevious) && search(cue.context, previous));
        }
        if (!seen[key]) return;
      }
      var span = firstUnguarded(safety, cue, set.guards, text, spans, seen);
      if (span) hits.push({ cue: cue, span: span, order: order });
    });
    hits.sort(function (a, b) { return a.span[0] - b.span[0] || a.span[1] - b.span[1] || a.order - b.order; });
    return hits;
  }

  /* ---- the advice model: peercoach.safety.model ---- */

  var MODEL_TOKEN = /[a-z0-9]+(?:'[a-z]+)*|[.!?;,]/g;

  function modelTokens(model, text, limit, last) {
    var points = Array.from(text);
    text = (last ? points.slice(Math.max(0, points.length - limit)) : points.slice(0, limit)).join("");
    text = asciiLower(text.replace(/[\u2018\u2019]/g, "'"));
    var out = [], found;
    MODEL_TOKEN.lastIndex = 0;
    while ((found = MODEL_TOKEN.exec(text)) !== null) {
      var word = found[0] === "!" || found[0] === ";" ? "." : found[0].replace(/'/g, "");
      if (word.length > 4 && word.slice(-1) === "s" && word.slice(-2) !== "ss") word = word.slice(0, -1);
      out.push(word);
      if (out.length === model.limits.max_tokens) break;
    }
    return out;
  }

  /* peercoach.safety.model.tagger: a word's class (the first whose pattern matches it whole), or "". */
  var tagged = { model: null, classes: [], seen: {} };

  function modelTag(model, word) {
    if (tagged.model !== model) {
      tagged = {
        model: model,
        classes: (model.classes || []).map(function (c) { return [c[0], new RegExp("^(?:" + c[1] + ")$")]; }),
        seen: {}
      };
    }
    if (has(tagged.seen, word)) return tagged.seen[word];
    var found = "";
    if (word.length >= 3 && /^[a-z]+$/.test(word)) {
      for (var k = 0; k < tagged.classes.length; k++) {
        if (tagged.classes[k][1].test(word)) { found = tagged.classes[k][0]; break; }
      }
    }
    tagged.seen[word] = found;
    return found;
  }

  function modelFeatures(model, text, previous) {
    var words = ["."].concat(modelTokens(model, text, model.limits.max_chars, false)), found = [], i;
    for (i = 1; i < words.length; i++) found.push("w " + words[i]);
    for (i = 1; i < words.length; i++) found.push("b " + words[i - 1] + " " + words[i]);
    for (i = 0; i < words.length; i++) {
      if (words[i].length >= 6 && /^[a-z]+$/.test(words[i])) found.push("s " + words[i].slice(-4));
    }
    if (model.classes && model.classes.length) {
      var tags = words.map(function (w) { return modelTag(model, w); });
      for (i = 0; i < tags.length; i++) if (tags[i]) found.push("t " + tags[i]);
      for (i = 1; i < words.length; i++) {
        if (tags[i - 1] || tags[i]) found.push("c " + (tags[i - 1] || words[i - 1]) + " " + (tags[i] || words[i]));
      }
    }
    var count = 0;
    for (i = 1; i < words.length; i++) if (/^[a-z0-9]+$/.test(words[i])) count++;
    if (previous && count <= model.limits.short) {
      modelTokens(model, previous, model.limits.max_previous, true).forEach(function (w) {
        if (/^[a-z0-9]+$/.test(w)) found.push("p " + w);
      });
    }
    var seen = {}, out = [];
    found.forEach(function (f) { if (!has(seen, f)) { seen[f] = true; out.push(f); } });
    return out;
  }

  /* peercoach.safety.model.strongest: the kind that scores highest (first on a tie) and its score. */
  function strongest(model, text, previous) {
    var totals = model.bias.slice();
    modelFeatures(model, text, previous).forEach(function (f) {
      if (has(model.weights, f)) {
        var w = model.weights[f];
        for (var k = 0; k < totals.length; k++) totals[k] += w[k];
      }
    });
    var best = 0;
    for (var k = 1; k < totals.length; k++) if (totals[k] > totals[best]) best = k;
    return { kind: model.kinds[best], score: totals[best] };
  }

  /* peercoach.safety.medical_advice, as the reasons check_line keeps: the cues' hits count unless
   * the model (on the coach's words only) scores the line under its veto; with none, a score at
   * the threshold flags it. */
  function adviceReasons(safety, rx, text, previous) {
    var model = safety.model, best = strongest(model, text, ""), advice = [];
    var hits = find(safety, rx.advice, text, previous);
    if (hits.length && best.score >= model.veto) {
      hits.forEach(function (hit) { if (advice.indexOf(hit.cue.reason) < 0) advice.push(hit.cue.reason); });
      return advice;
    }
    return best.score >= model.threshold ? [model.reasons[best.kind]] : [];
  }

  /* peercoach.engine.check_line: medical advice (reasons, in order), escalations, secrecy. */
  function checkLine(safety, text, previous) {
    if (typeof text !== "string" || !text) return { advice: [], escalations: [], secrecy: false };
    var rx = compiled(safety), kinds = {};
    var advice = adviceReasons(safety, rx, text, typeof previous === "string" ? previous : "");
    find(safety, rx.escalation, text, "").forEach(function (hit) { kinds[hit.cue.kind] = true; });
    return { advice: advice, escalations: Object.keys(kinds).sort(), secrecy: search(rx.secrecy, text) };
  }

  /* ---- a typed line's MI coding: peercoach.mi.code_utterance, ported in roleplay-mi.js ---- */

  var coder = null;
  function miCoder() {
    if (coder) return coder;
    if (typeof window !== "undefined" && window.peercoachMI) coder = window.peercoachMI;
    else if (typeof module !== "undefined" && module.exports) coder = require("./roleplay-mi.js");
    return coder;
  }

  /* What the engine keeps of a typed line at `turn` (engine.read_text, Conversation.play): the
   code that routing weighs with and the step records (engine.code_of of the coding), the coding,
   and its summary counts (a red-flag turn makes the whole line a safety step). */
  var lastTyped = null;
  function typed(shared, turn, text) {
    var mi = miCoder();
    if (!mi || !shared || !shared.mi || typeof text !== "string") return null;
    var last = lastTyped;
    if (last && last.shared === shared && last.turn === turn && last.text === text) return last.found;
    var coding = mi.code(shared.mi, text, turn.say);
    var found = { code: mi.codeOf(coding), coding: coding, counts: mi.counts(shared.mi, coding, !!turn.red_flag) };
    lastTyped = { shared: shared, turn: turn, text: text, found: found };
    return found;
  }

  /* Run every safety pattern twice, one per tick, ahead of the first typed line: V8 compiles a
   pattern to bytecode on its first run and to machine code on its second, which for these cue
   patterns took most of a second of the first lines. The patterns are the very objects
   checkLine runs (V8 does not share the compiled code between two RegExp objects). */
  function warm(safety) {
    var rx = compiled(safety), all = [], seen = new Set();
    (function collect(node) {
      if (node instanceof RegExp) {
        if (!seen.has(node)) { seen.add(node); all.push(node); }
      } else if (node && typeof node === "object") {
        Object.keys(node).forEach(function (k) { collect(node[k]); });
      }
    })(rx);
    var i = 0;
    (function next() {
      if (i >= all.length || safety.compiled !== rx) return;
      var re = all[i++];
      ["a", "you should take it"].forEach(function (line) { re.lastIndex = 0; re.exec(line); });
      re.lastIndex = 0;
      if (i < all.length) setTimeout(next, 0);
      else safety.warmed = true;
    })();
  }

  var api = { route: route, checkLine: checkLine, tokens: tokens, words: words, stem: stem,
              round6: round6, typed: typed, warm: warm };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window === "undefined") return;
  window.peercoachWords = api;
  var tries = 0;
  (function wait() {
    var shared = window.peercoachRoleplayShared;
    if (shared && shared.safety) warm(shared.safety);
    else if (tries++ < 600) setTimeout(wait, 100);
  })();
})();
