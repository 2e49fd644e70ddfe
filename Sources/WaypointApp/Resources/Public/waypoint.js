// Progressive enhancement only: the pages work without this file.
// Move focus to the error summary (or duplicate warning) so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary, .duplicate-warning");
  if (summary) { summary.focus(); }
  // Clicking a link in the error summary focuses the field it names.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var field = document.getElementById(a.getAttribute("href").slice(1));
      if (field) { e.preventDefault(); field.focus(); field.scrollIntoView({ block: "center" }); }
    });
  });
  // Stop a form being submitted twice by a double click.
  document.querySelectorAll("form[method='post']").forEach(function (f) {
    f.addEventListener("submit", function () {
      var b = f.querySelector("button[type='submit']");
      if (b) { setTimeout(function () { b.disabled = true; }, 0); }
    });
  });
});
