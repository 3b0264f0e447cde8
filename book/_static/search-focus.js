// The search page puts the cursor in its field (the theme's inline script, as a file for the
// Content-Security-Policy).
(function () {
  var field = document.querySelector("form.bd-search input");
  if (field) {
    field.focus();
    field.select();
  }
})();
