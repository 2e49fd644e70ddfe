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

// Upload progress for large bundles: send the form with XMLHttpRequest and show a progress bar.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-module='upload-progress']");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var label = box.querySelector("label");
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        var pct = Math.round(ev.loaded * 100 / ev.total);
        bar.value = pct;
        label.textContent = "Uploading: " + pct + "%";
      }
    });
    xhr.upload.addEventListener("load", function () { label.textContent = "Checking every row…"; bar.removeAttribute("value"); });
    xhr.addEventListener("load", function () {
      document.open(); document.write(xhr.responseText); document.close();
    });
    xhr.addEventListener("error", function () { label.textContent = "The upload failed. Check your connection and try again."; });
    xhr.send(new FormData(form));
  });
});

// A print button (the portfolio of achievements).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
});
