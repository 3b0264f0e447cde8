// The English beside a translated page (book_build.languages.parallel). A small button at the end of
// each translated paragraph shows its English original below it; a switch under the title shows
// the whole page, headings and captions too, in the translation, in English or in both. The
// English is a script of its own, loaded the first time a reader asks (a script, not fetch():
// it works from disk too, under the page's Content-Security-Policy). The controls go into marks
// the page already holds, whose room the stylesheet keeps: nothing moves when they appear.
(function () {
  var meta = document.querySelector('meta[name="book-english"]');
  var article = document.querySelector(".bd-article");
  if (!meta || !article) return;
  var words = meta.dataset;
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = meta.content;
        script.onload = function () { resolve(window.bookEnglish || []); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // A mark ends its paragraph, or follows its heading or caption.
  function blockOf(mark) {
    return mark.classList.contains("english-after") ? mark.previousElementSibling : mark.parentElement;
  }

  // A block Sphinx left in English (class "untranslated") says so, and is English to a screen
  // reader.
  article.querySelectorAll(".untranslated").forEach(function (block) {
    block.lang = "en";
    block.title = words.untranslated;
  });

  var blocks = Array.prototype.map.call(
    article.querySelectorAll(".english-mark"),
    function (mark, index) {
      var block = blockOf(mark);
      block.classList.add("has-english");
      var entry = {block: block, mark: mark, index: index, state: "translation", button: null,
                   translation: Array.prototype.slice.call(block.childNodes)};
      // A question's form keeps its own keyboard path: the switch shows its English.
      if (!mark.classList.contains("english-after") && !mark.closest("form")) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "english-toggle";
        button.textContent = "EN";
        button.setAttribute("aria-controls", "english-" + index);
        button.addEventListener("click", function () {
          show(entry, entry.state === "translation" ? "both" : "translation");
        });
        mark.appendChild(button);
        entry.button = button;
        label(entry);
      }
      return entry;
    });
  if (!blocks.length) return;

  function label(entry) {
    if (!entry.button) return;
    var open = entry.state !== "translation";
    entry.button.setAttribute("aria-expanded", open ? "true" : "false");
    entry.button.title = open ? words.hide : words.show;
    entry.button.setAttribute("aria-label", "EN: " + entry.button.title);
  }

  // "translation": the page as built; "both": the English below it; "original": English only.
  // The mark, and the button in it, never move: the focus stays where the reader left it.
  function show(entry, state) {
    return load().then(function (english) {
      var block = entry.block;
      var mark = entry.button ? entry.mark : null;  // null: append at the block's end
      var old = document.getElementById("english-" + entry.index);
      if (old) old.remove();
      entry.translation.forEach(function (node) {
        if (node === mark) return;
        if (state === "original") node.remove();
        else if (!node.parentNode) block.insertBefore(node, mark);
      });
      if (state !== "translation") {
        var original = document.createElement("span");
        original.className = "english-original";
        original.id = "english-" + entry.index;
        original.lang = "en";
        original.innerHTML = english[entry.index];
        if (state === "original" || !mark) block.insertBefore(original, mark);
        else mark.insertAdjacentElement("afterend", original);
      }
      if (state === "original") block.lang = "en"; else block.removeAttribute("lang");
      entry.state = state;
      label(entry);
    });
  }

  var bar = document.createElement("div");
  bar.className = "english-modes";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", words.view);
  var caption = document.createElement("span");
  caption.textContent = words.view + ":";
  bar.appendChild(caption);
  [["translation", words.translation], ["original", words.original], ["both", words.both]]
    .forEach(function (mode) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = mode[1];
      button.setAttribute("aria-pressed", mode[0] === "translation" ? "true" : "false");
      if (mode[0] === "original") button.lang = "en";
      button.addEventListener("click", function () {
        bar.querySelectorAll("button").forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
        blocks.forEach(function (entry) { show(entry, mode[0]); });
      });
      bar.appendChild(button);
    });
  var place = article.querySelector("h1 + .english-mark");
  if (place) place.appendChild(bar);
  else article.insertAdjacentElement("afterbegin", bar);
})();
