/* The MI coder in the page player: a port of peercoach.mi.code_utterance and of the counting in
 * peercoach.mi.summary, run on the tables peercoach.mi.tables.page_tables compiled at build time
 * (every pattern, word set, limit and reason comes from Python; this file keeps the order in
 * which the rules are tried). code(T, text, previous) gives the same coding as Python's
 * code_utterance(text, previous).to_dict(); counts() the summary counts the page adds up.
 * Node's agreement test (tests/book/test_mi_node.py) checks both against Python.
 */
(function () {
  "use strict";

  var T, R, STOP, NOT_STATES, SPACE_CHARS;

  function use(tables) {
    if (T === tables) return;
    T = tables;
    R = {};
    Object.keys(tables.re).forEach(function (name) { R[name] = new RegExp(tables.re[name][0], tables.re[name][1] + "g"); });
    STOP = new Set(tables.stopwords);
    NOT_STATES = new Set(tables.not_states);
    SPACE_CHARS = tables.py_space;
  }

  /* Python's re: search, match (at pos), finditer, sub, sub with count=1. One global RegExp per
   pattern, so V8 compiles each pattern once: the leftmost match found from `pos` starts at `pos`
   exactly when the pattern matches there. */
  function search(name, s) { var re = R[name]; re.lastIndex = 0; return re.exec(s); }
  function match(name, s, pos) {
    var re = R[name], m;
    re.lastIndex = pos || 0;
    m = re.exec(s);
    return m && m.index === (pos || 0) ? m : null;
  }
  function finditer(name, s) {
    var re = R[name], out = [], m;
    re.lastIndex = 0;
    while ((m = re.exec(s)) !== null) { out.push(m); if (m[0] === "") re.lastIndex++; }
    return out;
  }
  function count(name, s) { return finditer(name, s).length; }
  function sub(name, s, by) {
    return s.replace(R[name], typeof by === "function" ? by : function () { return by; });
  }
  function sub1(name, s, by) {
    var m = search(name, s);
    return m ? s.slice(0, m.index) + by + s.slice(m.index + m[0].length) : s;
  }

  /* Python's str methods: strip (whitespace or given characters), split(), code-point slicing. */
  function strip(s, chars, left, right) {
    var set = chars === undefined ? SPACE_CHARS : chars, a = 0, b = s.length;
    if (left !== false) while (a < b && set.indexOf(s[a]) >= 0) a++;
    if (right !== false) while (b > a && set.indexOf(s[b - 1]) >= 0) b--;
    return s.slice(a, b);
  }
  function split(s) {
    var out = [], word = "";
    for (var i = 0; i < s.length; i++) {
      if (SPACE_CHARS.indexOf(s[i]) >= 0) { if (word) out.push(word); word = ""; } else word += s[i];
    }
    if (word) out.push(word);
    return out;
  }
  function head(s, n) { return s.length <= n ? s : Array.from(s).slice(0, n).join(""); }
  function plane(s) { return s.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g, "\ufffd"); }
  function rstripQ(s) { return strip(s, undefined, false).slice(-1) === "?"; }
  function any(list, f) { return list.some(f); }
  function has(set) { for (var i = 1; i < arguments.length; i++) if (set.has(arguments[i])) return true; return false; }

  function reason(key, lead) { return T.reasons[key].split("{lead}").join(lead || ""); }

  /* ---- peercoach.mi.text ---- */

  function unescape(s) {
    return sub("_ENTITY", s, function (m, name, dec, hex) {
      if (name) return T.entities[name];
      var code = parseInt(dec || hex, dec ? 10 : 16);
      return (code > 0 && code < 0xd800) || (code > 0xdfff && code < 0x10000) ? String.fromCharCode(code) : "\ufffd";
    });
  }

  function clean(text) {
    var max = T.limits.max_chars;
    text = plane(head(text, max * 4));
    var markup = !!search("_TAG", text), out = "";
    text = unescape(sub("_TAG", text, " "));
    for (var i = 0; i < text.length; i++) out += Object.prototype.hasOwnProperty.call(T.quotes, text[i]) ? T.quotes[text[i]] : text[i];
    text = strip(sub("_SPACE", out, " "));
    var truncated = text.length > max;
    text = text.slice(0, max);
    var sentences = finditer("_SENTENCE", text).map(function (m) { return m[0]; })
      .filter(function (s) { return search("_LATIN", s); }).map(function (s) { return strip(s); });
    truncated = truncated || sentences.length > T.limits.max_sentences;
    return { sentences: sentences.slice(0, T.limits.max_sentences).map(unfill), truncated: truncated,
             markup: markup, latin: !!search("_LATIN", text) };
  }

  function unfill(sentence) {
    var text = sub("_HESITATION", sub("_HES_AT_CLAUSE", sentence.slice(0, T.limits.max_chars), ", "), " ");
    for (var i = 0; i < 3; i++) {
      var next = sub("_LEAD_FILLER", sub("_COMMA_FILLER", strip(text), " "), "");
      next = sub("_RESTART", sub("_HYPHEN_RESTART", next, ""), function (m, g1) { return g1 || ""; });
      if (next === text) break;
      text = next;
    }
    text = strip(sub("_SPACE_BEFORE_MARK", sub("_SPACE", text, " "), function (m, g1) { return g1; }), " ,");
    return search("_LATIN", text) ? text : sentence;
  }

  function dropNames(sentence) {
    sentence = sub("_VOCATIVE_END", sentence, "");
    var opener = match("_VOCATIVE_OPENER", sentence);
    var name = opener && match("_VOCATIVE_NAME", sentence, opener[0].length);
    if (name) sentence = opener[0] + sentence.slice(name.index + name[0].length);
    var start = match("_VOCATIVE_START", sentence);
    if (start && !STOP.has(start[1].toLowerCase()) && start[1].slice(-3) !== "ing") sentence = sentence.slice(start[0].length);
    return sentence;
  }

  function stripFillers(sentence) {
    var s = strip(dropNames(sentence).toLowerCase(), " ,;:-\"'"), so = false;
    for (var i = 0; i < 6; i++) {
      if (match("_LEAD_SO", s) && !match("_SO_MUCH", s)) { so = true; s = sub("_LEAD_SO", s, ""); continue; }
      var next = sub1("_FILLER", s, "");
      if (next === s || !strip(next, " .!?")) break;
      s = next;
    }
    return [strip(s), so];
  }

  function words(text) { return finditer("_WORD", text.toLowerCase()).map(function (m) { return m[0]; }); }

  function stem(word) {
    for (var i = 0; i < T.stem_suffixes.length; i++) {
      var suffix = T.stem_suffixes[i];
      if (word.slice(-suffix.length) === suffix && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
    }
    return word;
  }

  function contentStems(text) {
    var out = new Set();
    words(text).forEach(function (w) { if (!STOP.has(w) && w.length > 2) out.add(stem(w)); });
    return out;
  }

  /* ---- peercoach.mi.classifier ---- */

  function S(behaviour, subtype, flags, reasons, extra) {
    var s = { behaviour: behaviour, subtype: subtype || null, flags: flags || new Set(), reasons: reasons || [],
              substantive: true, advice: false, text: "" };
    Object.keys(extra || {}).forEach(function (k) { s[k] = extra[k]; });
    return s;
  }

  function contextOf(previous) {
    var lowered = plane(head(previous.toLowerCase(), T.limits.previous_chars));
    var asked = !!(search("ASKED_FOR_ADVICE", lowered) && lowered.indexOf("?") >= 0) ||
      !!match("_ADVICE_ACCEPTED", strip(lowered));
    return { text: lowered, stems: contentStems(lowered), asked: asked, question: asksCoach(lowered) };
  }

  function asksCoach(lowered) {
    var asked = strip(lowered, T.limits.after_question, false);
    if (asked.slice(-1) !== "?") return false;
    var start = Math.max(asked.lastIndexOf(".", asked.length - 2), asked.lastIndexOf("!", asked.length - 2),
      asked.lastIndexOf("?", asked.length - 2)) + 1;
    var body = stripFillers(asked.slice(start, -1))[0];
    return !!(match("WH_START", body) || match("AUX_START", body)) && !search("TAG_QUESTION", body + "?");
  }

  function answers(body, so, context) {
    return context.question && !so && words(body).length >= T.limits.answer_words && !match("_ABOUT_ME", body) &&
      !search("YOU_ANYWHERE", body);
  }

  function code(tables, text, previous) {
    use(tables);
    if (typeof text !== "string") throw new TypeError("code expects the coach's words as a string");
    var cleaned = clean(text), notes = [];
    if (cleaned.markup) notes.push(reason("markup"));
    if (cleaned.truncated) notes.push(reason("truncated"));
    if (!cleaned.sentences.length) {
      var key = strip(text) && !cleaned.latin ? "not_english" : "empty";
      return coding({ behaviour: "other", reasons: notes.concat([reason(key)]), text: text });
    }
    var context = contextOf(typeof previous === "string" ? previous : "");
    var sentences = [];
    cleaned.sentences.forEach(function (raw) { sentences.push.apply(sentences, codeClauses(raw, context)); });
    return combine(sentences, context, notes, text);
  }

  function codeClauses(raw, context) {
    var whole = codeSentence(raw, context);
    whole.text = raw;
    var asksAtEnd = rstripQ(raw), L = T.limits;
    if (!(asksAtEnd || has(whole.flags, "affirmation", "autonomy"))) return [whole];
    if (words(raw).length > L.max_clause_words) return [whole];
    var breaks = finditer("_CLAUSE_BREAK", raw).slice(0, L.max_breaks);
    for (var i = 0; i < breaks.length; i++) {
      var m = breaks[i], left = strip(raw.slice(0, m.index)), right = strip(raw.slice(m.index + m[0].length));
      if (words(left).length < 3 || words(right).length < 3 || match("_SUBORDINATE", left.toLowerCase())) continue;
      if (!startsClause(right)) continue;
      var first = codeSentence(left + ".", context);
      var second = codeSentence(right.slice(0, 1).toUpperCase() + right.slice(1), context);
      var leads = first.behaviour === "reflection" || has(first.flags, "affirmation", "autonomy");
      var asks = second.behaviour === "question" && asksAtEnd;
      if (leads && (asks || second.behaviour === "input")) {
        first.text = left + ".";
        second.text = right;
        return [first, second];
      }
    }
    return [whole];
  }

  function startsClause(text) {
    var body = stripFillers(text)[0];
    return !!(questionForm(body) || search("STRONG_INFO", body) || search("INFORMATION", body));
  }

  function lead(sentence) {
    var l = split(strip(sentence, " .!?,")).slice(0, T.limits.lead_words).join(" ");
    return l.slice(0, 1).toUpperCase() + l.slice(1);
  }

  function codeSentence(raw, context) {
    var stripped = stripFillers(raw), body = sub("_YOU_KNOW", stripped[0], ""), so = stripped[1];
    var asks = rstripQ(raw);
    if (!strip(body, " .!?,") || match("BACKCHANNEL", body)) {
      return S("other", null, null, [reason("backchannel", lead(raw))], { substantive: false });
    }
    if (search("_CUT_OFF", raw) && !contentStems(body).size) {
      return S("other", null, null, [reason("other")], { substantive: false });
    }
    var opener = codeOpener(body, asks, context);
    if (opener !== null) return opener;
    if (match("WONDER_WH", body)) return S("question", "open", flagsOf(body), [reason("open_invite", lead(body))]);
    if (match("WONDER", body)) return codeWonder(body, raw, context);
    var clause = asks || questionForm(body) ? null : askingClause(body);
    if (asks || questionForm(body) || clause) {
      var coded = codeQuestion(clause || body, asks, so, resumes(raw));
      if (coded !== null) return coded;
    }
    var continues = !!match("_CONTINUES", strip(raw.toLowerCase(), " ,.-\"'", true, false));
    return codeStatement(body, raw, so, context, continues);
  }

  // A line that starts with a dash resumes a sentence the participant cut into (Python _resumes).
  function resumes(raw) {
    var c = strip(raw, " \"'", true, false).charAt(0);
    return c === "-" || c === "\u2014" || c === "\u2013";
  }

  function codeWonder(body, raw, context) {
    var l = lead(body);
    if (match("WONDER_ASKS", body)) {
      if (search("WONDER_OPEN", body)) return S("question", "open", flagsOf(body), [reason("open_invite", l)]);
      if (search("INVITES_MORE", body)) return S("question", "open", flagsOf(body), [reason("open_more", l)]);
      return S("question", "closed", flagsOf(body), [reason("closed_aux", l)]);
    }
    return reflection(body, raw, flagsOf(body), context, { guess: true });
  }

  function codeOpener(body, asks, context) {
    var openers = [["GREETING", "greeting"], ["PRAISE_GENERIC", "praise"]];
    for (var i = 0; i < openers.length; i++) {
      var key = openers[i][1];
      if (!match(openers[i][0], body)) continue;
      var rest = match("_COMMA_LEAD", body);
      if (rest && words(rest[1]).length >= 3) return codeSentence(rest[1] + (asks ? "?" : "."), context);
      if (asks && key !== "praise") return null;
      if (key === "praise" && search("AFFIRM_SPECIFIC", body)) return null;
      if (key === "praise" && match("PRAISE_NAMES", body)) return S("other", null, new Set(["affirmation"]), [reason("affirmation")]);
      var text = key === "greeting" ? reason("greeting") : reason("praise_generic", lead(body));
      return S("other", null, null, [text], { substantive: key !== "greeting" });
    }
    return null;
  }

  function askingClause(body) {
    var breaks = finditer("_LEAD_IN_BREAK", body);
    for (var i = 0; i < breaks.length; i++) {
      var rest = body.slice(breaks[i].index + breaks[i][0].length);
      if (match("ASKING_CLAUSE", rest) || match("INVITATION", rest) || match("WONDER_WH", rest)) return rest;
    }
    return null;
  }

  function questionForm(body) {
    return !!(match("WH_ASKING", body) || match("AUX_START", body) || search("INVITATION", body) || match("ELABORATION", body));
  }

  function codeQuestion(body, asks, so, resumed) {
    body = mainClause(body);
    var l = lead(body), flags = flagsOf(body);
    if (search("PERMISSION", body)) {
      flags.add("permission");
      return S("question", "closed", flags, [reason("permission")]);
    }
    if (match("ADVICE", body) && match("_ADVICE_ASKS", body)) return input(body, flags, true);
    if (match("_TELLS_AS_ASKING", body)) return S("input", null, flags, [reason("information")]);
    if (search("INVITATION", body) || match("ELABORATION", body)) return S("question", "open", flags, [reason("open_invite", l)]);
    if (match("WH_ASKING", body) || (asks && match("WH_START", body))) return codeWh(body, flags, l);
    if (match("AUX_START", body)) {
      var inside = search("ASKING_INSIDE", body);
      if (inside) return codeWh(body.slice(inside.index), flags, lead(body.slice(inside.index)));
      if (search("EITHER_OR", body)) return S("question", "closed", flags, [reason("closed_either", l)]);
      if (search("INVITES_MORE", body)) return S("question", "open", flags, [reason("open_more", l)]);
      return S("question", "closed", flags, [reason("closed_aux", l)]);
    }
    if (search("TAG_QUESTION", body) || resumed) return null;
    if (match("_STRONG_REFLECT", body) || so ||
        ((match("REFLECT_START", body) || match("DECLARATIVE", body)) && words(body).length >= 4)) {
      if (!asks) return null;
      return S("question", "closed", flags, [reason("closed_rising", l)]);
    }
    if (search("INVITES_MORE", body) && !search("EITHER_OR", body)) return S("question", "open", flags, [reason("open_more", l)]);
    var key = search("CLOSED_WH", body) ? "closed_scale" : "closed_fragment";
    if (match("_OPEN_FRAGMENT", body) || search("_OPEN_END", body)) return S("question", "open", flags, [reason("open_wh", l)]);
    return S("question", "closed", flags, [reason(key, l)]);
  }

  function mainClause(body) {
    var timed = match("_TIME_LEAD", body);
    if (timed) {
      var after = body.slice(timed[0].length);
      if (match("WH_ASKING", after) || match("AUX_START", after)) return after;
    }
    if (questionForm(body) || search("TAG_QUESTION", body) || search("CLOSED_WH", body)) return body;
    var hedged = match("_HEDGED_ASK", body);
    if (hedged) {
      var asking = body.slice(hedged[0].length);
      if (match("WH_ASKING", asking) || match("AUX_START", asking)) return asking;
    }
    var breaks = finditer("_LEAD_IN_BREAK", body);
    for (var i = 0; i < breaks.length; i++) {
      var rest = body.slice(breaks[i].index + breaks[i][0].length);
      if (match("WH_START", rest) || match("AUX_START", rest)) return rest;
    }
    return body;
  }

  function codeWh(body, flags, l) {
    if (match("WHY_BLAME", body) && flags.has("confront")) return S("question", "open", flags, [reason("confront_why")]);
    if (search("CLOSED_WH", body)) return S("question", "closed", flags, [reason(search("_SCALE", body) ? "closed_scale" : "closed_fact", l)]);
    if (search("EITHER_OR", body) && !/^(?:how|what|why)/.test(body)) return S("question", "closed", flags, [reason("closed_either")]);
    return S("question", "open", flags, [reason(body.slice(0, 3) === "why" ? "open_why" : "open_wh", l)]);
  }

  function flagsOf(body) {
    var flags = new Set();
    if (search("CONFRONT", body)) flags.add("confront");
    if (search("AUTONOMY", body)) flags.add("autonomy");
    if (search("PERMISSION", body)) flags.add("permission");
    if (search("SELF_DISCLOSURE", body) && !match("_STRONG_REFLECT", body) && !match("SUMMARY", body)) flags.add("self_disclosure");
    return flags;
  }

  function codeStatement(body, raw, so, context, continues) {
    var flags = flagsOf(body);
    if (match("SUMMARY", body)) return reflection(body, raw, flags, context, { summary: true });
    if (advises(body)) return input(body, flags);
    if (flags.has("confront")) return S(search("_WARNING", body) ? "input" : "other", null, flags, [reason("confront")]);
    if (search("STRUCTURING", body)) return S("other", null, flags, [reason("structuring")]);
    var other = codeOtherStatement(body, flags);
    if (other !== null) return other;
    return codeReflectionOrInfo(body, raw, so, flags, context, continues);
  }

  function advises(body) {
    if (match("_INFO_OPTION", body)) return false;
    if (search("ADVICE", body)) return true;
    return !!search("IMPERATIVE_CLAUSE", body) && !match("_STRONG_REFLECT", body);
  }

  function codeOtherStatement(body, flags) {
    if (search("AFFIRM_SPECIFIC", body) && !match("_SOUNDS", body)) {
      flags.add("affirmation");
      return S("other", null, flags, [reason("affirmation")]);
    }
    if (flags.has("autonomy") && !search("FEELING", body) && !match("_SOUNDS", body)) return S("other", null, flags, [reason("autonomy")]);
    if (flags.has("self_disclosure")) return S("other", null, flags, [reason("self_disclosure")]);
    return null;
  }

  function codeReflectionOrInfo(body, raw, so, flags, context, continues) {
    var info = function () { return S("input", null, flags, [reason("information")]); };
    var reflect = function () { return reflection(body, raw, flags, context, { continues: continues }); };
    if (match("_INFO_OPTION", body)) return info();
    if (match("_STRONG_REFLECT", body) || search("ABOUT_THEM", body) || search("_FEELS_LIKE", body)) return reflect();
    if (echoShare(body, context) >= T.limits.echo_share) return reflect();
    if (statesFact(body, context) || answers(body, so, context)) return info();
    if (so && search("YOU_ANYWHERE", body)) return reflect();
    if (search("INFORMATION", body) || (!so && search("IT_GENERIC", body))) return info();
    if (match("REFLECT_START", body) || so || echoes(body, context)) return reflect();
    if (match("_ABOUT_ME", body)) return S("other", null, flags, [reason("other")]);
    if (search("YOU_ANYWHERE", body) || (context.stems.size && words(body).length >= 2)) return reflect();
    if (resumes(raw) && rstripQ(raw)) return reflect();
    return S("other", null, flags, [reason("other")]);
  }

  function statesFact(body, context) {
    if (search("STRONG_INFO", body)) return true;
    var amount = search("AMOUNT", body);
    if (!amount || words(body).length < 6 || echoes(body, context)) return false;
    var theirs = new Set(words(context.text)), skip = new Set(["a", "to", "of", "few", "couple"]);
    return !words(amount[0]).some(function (w) { return !skip.has(w) && theirs.has(w); });
  }

  function echoes(body, context) {
    var mine = contentStems(body), shared = 0;
    mine.forEach(function (s) { if (context.stems.has(s)) shared++; });
    return mine.size > 0 && (shared / mine.size >= 0.5 || (shared >= 1 && words(body).length <= 8));
  }

  function input(body, flags, question) {
    return S("input", null, flags, [reason(question ? "advice_question" : "advice", lead(body))], { advice: true });
  }

  function reflection(body, raw, flags, context, how) {
    if (search("AFFIRM_SPECIFIC", body)) flags.add("affirmation");
    var reasons = rstripQ(raw) ? [reason("reflection_question")] : [];
    var key = how.guess ? "complex_guess" : complexity(raw.toLowerCase(), context, body, how.continues, how.summary);
    reasons.push(reason(key || "simple"));
    if (flags.has("affirmation")) reasons.push(reason("affirmation"));
    return S("reflection", key === null ? "simple" : "complex", flags, reasons);
  }

  // Length is not meaning (MITI 4.2.1): a long rephrasing is simple without a cue, and a summary
  // gathers words of the whole call, so only a cue of added meaning makes it complex.
  function complexity(body, context, core, continues, summary) {
    core = core || body;
    var L = T.limits;
    if (search("DOUBLE_SIDED", body)) return "complex_double";
    if (match("_STRONG_REFLECT", core) && core.slice(0, 8) === "i wonder") return "complex_guess";
    if (newMatch("AMPLIFIED", body, context) && count("AMPLIFIED", body) > count("AMPLIFIED_SAID", context.text)) return "complex_amplified";
    var feeling = sub("_OTHERS_FEELING", body, " ");
    if (newMatch("FEELING", feeling, context) && (!search("FEELING", context.text) || count("FEELING", feeling) > 1)) return "complex_feeling";
    var empathic = match("EMPATHIC", core);
    if (empathic && !NOT_STATES.has(empathic[1]) && !said(empathic[1], context)) return "complex_feeling";
    if (newMatch("METAPHOR", body, context)) return "complex_metaphor";
    if (newMatch("MEANING", body, context)) return "complex_meaning";
    if (context.text && search("DESIRE", core) && !search("DESIRE_SAID", context.text)) return "complex_meaning";
    if (context.text && search("NEGATED_DESIRE", context.text) && search("DESIRE", core) && !search("NEGATED_DESIRE", core)) return "complex_meaning";
    if (twoSides(core)) return "complex_double";
    if (summary) return null;
    var mine = contentStems(body), novel = 0, theirs = 0;
    mine.forEach(function (s) {
      if (context.stems.has(s) || said(s, context)) theirs++;
      if (!context.stems.has(s) && !said(s, context)) novel++;
    });
    if (continues && (novel || !context.stems.size)) return "complex_continue";
    var echo = mine.size && context.stems.size ? theirs / mine.size : 0.0;
    if (echo >= L.echo_share) return null;
    if (context.stems.size && novel >= L.novel_words) return "complex_new";
    return null;
  }

  function echoShare(text, context) {
    var mine = contentStems(text), theirs = 0;
    if (!mine.size || !context.stems.size) return 0.0;
    mine.forEach(function (s) { if (context.stems.has(s) || said(s, context)) theirs++; });
    return theirs / mine.size;
  }

  function twoSides(core) {
    var m = search("SIDES", core), pieces;
    pieces = (m ? [core.slice(0, m.index), core.slice(m.index + m[0].length)] : [core]).filter(function (c) { return strip(c); });
    if (pieces.length !== 2) return false;
    var negated = pieces.map(function (c) { return !!search("NEGATED", c); });
    return negated[0] !== negated[1] && !!search("SIDE_VIEW", pieces[negated.indexOf(false)]);
  }

  function newMatch(name, body, context) {
    return finditer(name, body).some(function (m) {
      return context.text.indexOf(m[0]) < 0 && !said(split(m[0])[0], context);
    });
  }

  function said(word, context) {
    var root = stem(word);
    if (context.stems.has(root)) return true;
    var size = Math.max(4, root.length - 2), found = false;
    if (root.length < 4) return false;
    context.stems.forEach(function (s) { if (s.length >= 4 && s.slice(0, size) === root.slice(0, size)) found = true; });
    return found;
  }

  function dedupe(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }

  function coding(c) {
    var out = { behaviour: c.behaviour, subtype: c.subtype || null, reasons: c.reasons || [], text: c.text || "",
                parts: c.parts || [], safety: !!c.safety, advice: !!c.advice };
    T.flags.forEach(function (name) { out[name] = !!(c.flags && c.flags.has(name)); });
    return out;
  }

  function combine(sentences, context, notes, text) {
    var flags = new Set();
    sentences.forEach(function (s) { s.flags.forEach(function (f) { flags.add(f); }); });
    var main = mainSentence(sentences), reasons = notes.slice(), simple = reason("simple");
    if (main.behaviour === "question" && any(sentences, function (s) { return s.behaviour === "reflection"; })) {
      reasons.push(reason("mixed_question_last"));
    }
    reasons.push.apply(reasons, main.reasons);
    var subtype = main.subtype;
    var reflections = sentences.filter(function (s) { return s.behaviour === "reflection"; });
    var deeper = reflections.filter(function (s) { return s.subtype === "complex"; });
    var notSimple = function (r) { return r !== simple; };
    if (main.behaviour === "reflection" && subtype === "simple" && deeper.length) {
      subtype = "complex";
      reasons = reasons.filter(notSimple).concat(deeper[0].reasons);
    }
    var parts = codeParts(sentences, context);
    if (any(sentences, function (s) { return s.advice; })) {
      if (flags.has("autonomy")) reasons.push(reason("advice_autonomy"));
      else if (flags.has("permission") || context.asked) reasons.push(reason("advice_asked"));
      else { reasons.push(reason("persuade")); flags.add("persuade"); }
    }
    if (any(parts, function (p) { return p.persuade; })) { flags.add("persuade"); reasons.push(reason("persuade")); }
    else flags.delete("persuade");
    var confrontWhy = reasons.indexOf(reason("confront_why")) >= 0;
    T.flag_reasons.forEach(function (name) {
      if (flags.has(name) && !(confrontWhy && name === "confront")) reasons.push(reason(name));
    });
    return coding({ behaviour: main.behaviour, subtype: subtype, flags: flags, text: text,
                    reasons: dedupe(reasons).slice(0, T.limits.max_reasons + notes.length),
                    parts: parts.length > 1 ? parts : [],
                    safety: parts.every(function (p) { return p.safety; }),
                    advice: any(parts, function (p) { return p.advice; }) });
  }

  function mainSentence(sentences) {
    var kept = sentences.filter(function (s) { return s.substantive; });
    if (!kept.length) kept = sentences;
    while (kept.length > 1 && search("_CUT_OFF", kept[kept.length - 1].text)) kept = kept.slice(0, -1);
    while (kept.length > 1 && kept[kept.length - 2].behaviour === "reflection" && isCheck(kept[kept.length - 1].text)) {
      kept = kept.slice(0, -1);
    }
    if (kept[kept.length - 1].behaviour === "question") return kept[kept.length - 1];
    var order = ["input", "reflection", "question"];
    for (var i = 0; i < order.length; i++) {
      var found = kept.filter(function (s) { return s.behaviour === order[i]; });
      if (found.length) return order[i] === "question" ? found[found.length - 1] : found[0];
    }
    return kept[0];
  }

  /* ---- peercoach.mi.segments ---- */

  function isCheck(text) { return !!match("CHECK", sub("_CHECK_LEAD", strip(text.toLowerCase(), " ,"), "")); }
  function isSafety(s) { return !!search("SAFETY", s.text.toLowerCase()); }
  function elicits(s, most) {
    return s.behaviour === "question" && !!search("ELICIT", most ? head(s.text.toLowerCase(), most) : s.text.toLowerCase());
  }

  function codeParts(sentences, context) {
    var kept = sentences.filter(function (s) { return s.substantive; });
    if (!kept.length) kept = sentences.slice(0, 1);
    var groups = [];
    kept.forEach(function (s) {
      var g = groups[groups.length - 1];
      if (g && joins(g, s)) g.push(s); else groups.push([s]);
    });
    var autonomy = any(sentences, function (s) { return s.flags.has("autonomy"); }), asked = !!context.asked;
    return groups.map(function (g) {
      var p = part(g, asked, autonomy);
      asked = asked || p.permission || any(g, function (s) { return elicits(s); });
      return p;
    });
  }

  function joins(group, s) {
    var first = group[0], last = group[group.length - 1];
    if (first.behaviour === "reflection" && isCheck(s.text)) return true;
    if (s.flags.has("permission") || last.flags.has("permission")) return false;
    if (isSafety(s) !== isSafety(last)) return false;
    return s.behaviour === first.behaviour;
  }

  function part(group, asked, autonomy) {
    var main = group[0], flags = new Set(), reasons = [], subtype = main.subtype;
    group.forEach(function (s) { s.flags.forEach(function (f) { flags.add(f); }); reasons.push.apply(reasons, s.reasons); });
    if (main.behaviour === "reflection" && any(group, function (s) { return s.subtype === "complex"; })) {
      subtype = "complex";
      reasons = reasons.filter(function (r) { return r !== reason("simple"); });
    }
    if (main.behaviour === "question") subtype = any(group, function (s) { return s.subtype === "open"; }) ? "open" : "closed";
    var advice = any(group, function (s) { return s.advice; }), safety = any(group, isSafety), persuade = false;
    if (advice && !safety) {
      persuade = !(asked || flags.has("permission") || autonomy);
      reasons.push(reason(persuade ? "persuade" : "advice_asked"));
    }
    T.part_flags.forEach(function (name) { if (flags.has(name)) reasons.push(reason(name)); });
    var kept = new Set(T.part_flags.filter(function (f) { return flags.has(f); }));
    if (persuade) kept.add("persuade");
    return coding({ behaviour: main.behaviour, subtype: subtype, flags: kept, reasons: dedupe(reasons),
                    text: group.map(function (s) { return s.text; }).join(" "), safety: safety, advice: advice });
  }

  /* ---- peercoach.engine.code_of and the counts of peercoach.mi.summary.summarise ---- */

  function codeOf(c) {
    if (c.confront) return "confronting";
    if (c.persuade) return "advice_without_permission";
    if (c.permission) return "asking_permission";
    if (c.autonomy) return "emphasising_autonomy";
    if (c.behaviour === "reflection") return c.subtype === "complex" ? "complex_reflection" : "simple_reflection";
    if (c.behaviour === "question") return c.subtype === "open" ? "open_question" : "closed_question";
    if (c.behaviour === "input") return "giving_information";
    if (c.affirmation) return "affirmation";
    if (c.self_disclosure) return "self_disclosure";
    return "structuring";
  }

  /* The summary counts of one coding (whole turn a safety step when `safetyTurn`), after a turn
   that asked permission (`asked`) or not (`plain`), and whether it asks (`asks`). */
  function counts(tables, c, safetyTurn) {
    use(tables);
    var scored = function (askedBefore) {
      var parts = [], safety = 0, asked = false;
      (c.parts.length ? c.parts : [c]).forEach(function (p) {
        if (safetyTurn || c.safety || p.safety) { safety++; return; }
        if (p.permission || elicits(p, T.limits.elicit_chars)) asked = askedBefore = true;
        if (p.persuade && p.advice && askedBefore) p = Object.assign({}, p, { persuade: false });
        parts.push(p);
      });
      var n = function (f) { return parts.filter(f).length; };
      var q = parts.filter(function (p) { return p.behaviour === "question" && !p.permission; });
      var r = n(function (p) { return p.behaviour === "reflection"; });
      var cr = n(function (p) { return p.behaviour === "reflection" && p.subtype === "complex"; });
      return { asks: asked, counts: {
        questions: q.length, open_questions: q.filter(function (p) { return p.subtype === "open"; }).length,
        closed_questions: q.filter(function (p) { return p.subtype === "closed"; }).length,
        reflections: r, simple_reflections: r - cr, complex_reflections: cr,
        inputs: n(function (p) { return p.behaviour === "input"; }),
        adherent: n(function (p) { return p.affirmation || p.permission || p.autonomy; }),
        non_adherent: n(function (p) { return p.persuade || p.confront; }),
        confronts: n(function (p) { return p.confront; }), persuades: n(function (p) { return p.persuade; }),
        affirmations: n(function (p) { return p.affirmation; }), permissions: n(function (p) { return p.permission; }),
        autonomy: n(function (p) { return p.autonomy; }), advice: n(function (p) { return p.advice || p.persuade; }),
        information: n(function (p) { return p.behaviour === "input" && !(p.advice || p.persuade); }),
        safety_steps: safety, utterances: 1 } };
    };
    var plain = scored(false);
    return { plain: plain.counts, asked: scored(true).counts, asks: plain.asks };
  }

  /* Compile every pattern ahead of the first typed line, one per tick so the page stays
   responsive: V8 compiles a pattern on its first use, which for these took most of a second. */
  function warm(tables) {
    use(tables);
    var names = Object.keys(R), i = 0;
    (function next() {
      if (i >= names.length || T !== tables) return;
      search(names[i], "so you feel it's hard, and you want to try?");
      search(names[i++], "so you feel it's hard, and you want to try?");
      if (i < names.length) setTimeout(next, 0);
      else tables.warmed = true;
    })();
  }

  var api = { code: code, codeOf: codeOf, counts: counts, warm: warm };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window === "undefined") return;
  window.peercoachMI = api;
  var tries = 0;
  (function wait() {
    var shared = window.peercoachRoleplayShared;
    if (shared && shared.mi) warm(shared.mi);
    else if (tries++ < 600) setTimeout(wait, 100);
  })();
})();
