/* Self-check questions: check the chosen answer and say why, in words, in a live region. */
(function () {
  "use strict";

  function feedbackOf(input) {
    var box = input.parentElement.querySelector(".pc-quiz-feedback");
    return box ? box.textContent.trim() : "";
  }

  function verdict(inputs) {
    var chosen = inputs.filter(function (i) { return i.checked; });
    if (!chosen.length) return { text: "Choose an answer first.", state: "none" };
    var right = inputs.every(function (i) { return i.checked === (i.dataset.correct === "true"); });
    var notes = chosen.map(feedbackOf).filter(Boolean).join(" ");
    return { text: (right ? "Correct. " : "Not quite. ") + notes, state: right ? "correct" : "wrong" };
  }

  function setUp(quiz) {
    var button = quiz.querySelector(".pc-quiz-check");
    var result = quiz.querySelector(".pc-quiz-result");
    var inputs = Array.prototype.slice.call(quiz.querySelectorAll("input"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var v = verdict(inputs);
      result.textContent = v.text;
      result.dataset.state = v.state;
    });
    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        result.textContent = "";
        delete result.dataset.state;
      });
    });
  }

  function init() {
    document.querySelectorAll(".pc-quiz").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
