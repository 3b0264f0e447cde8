// Marks the "Check yourself" questions (tools/book_build/web/questions.py) in the page itself.
// The words come from the form's data-msg-* attributes, in the edition's language.
"use strict";

function copyOf(node) {
  const copy = node.cloneNode(true);
  for (const element of [copy, ...copy.querySelectorAll("[id]")]) element.removeAttribute("id");
  return copy;
}

function numberIn(text, decimal) {
  // The edition's decimal sign is accepted beside the point (0,5 and 0.5 in Spanish).
  const plain = text.replace(/\s/g, "").replace("\u2212", "-").replace(decimal || ".", ".");
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(plain) ? Number(plain) : NaN;
}

function mark(form) {
  const data = form.dataset;
  const explain = (option) => form.querySelector(`.question-explanation[data-option="${option}"]`);
  let verdict;
  let right = false;
  let answered = false;
  const shown = [];
  if (data.answer !== undefined) {
    const field = form.elements.number;
    const value = numberIn(field.value, data.decimal);
    if (field.value.trim() === "") verdict = data.msgEmpty;
    else if (Number.isNaN(value)) verdict = data.msgNan;
    else {
      answered = true;
      const error = value - Number(data.answer);
      right = Math.abs(error) <= Number(data.tolerance);
      verdict = right ? data.msgRight : error > 0 ? data.msgHigh : data.msgLow;
      if (right) shown.push(explain(0));
    }
    field.setAttribute("aria-invalid", String(verdict !== data.msgRight));
  } else {
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) verdict = data.msgChoose;
    else {
      answered = true;
      right = chosen.value === data.right;
      verdict = right ? data.msgRight : data.msgWrong;
      shown.push(explain(chosen.value));
    }
  }
  if (right) shown.push(form.querySelector(".question-reveal"));
  const line = document.createElement("p");
  line.className = "question-verdict";
  line.textContent = verdict;
  const feedback = form.querySelector(".question-feedback");
  feedback.replaceChildren(line, ...shown.filter(Boolean).map(copyOf));
  form.classList.toggle("question-right", right);
  form.classList.toggle("question-wrong", answered && !right);
}

for (const form of document.querySelectorAll("form.question")) {
  form.querySelector("button[type=submit]").hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mark(form);
  });
}
