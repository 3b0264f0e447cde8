// Before the first paint: the colour mode the reader chose last time, else the book's default
// (pydata-sphinx-theme's inline script, as a file for the Content-Security-Policy). "auto" is
// resolved here, as the theme's script does later: the theme's colours (borders included) exist
// only for "light" and "dark", and text would reflow when they arrive (a layout shift).
(function () {
  var data = document.documentElement.dataset;
  var mode = localStorage.getItem("mode") || data.mode || data.theme || "auto";
  var dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  data.mode = mode;
  data.theme = mode === "light" || mode === "dark" ? mode : dark ? "dark" : "light";
})();
