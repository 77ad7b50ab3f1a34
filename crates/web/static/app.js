// Progressive enhancement only: every page works without this file.
// Uploads show their progress and can be retried without losing the page.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    form.addEventListener("submit", function (ev) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 400) {
          window.location.assign(xhr.getResponseHeader("X-Location") || window.location.href);
        } else if (status) {
          status.textContent = status.getAttribute("data-failed") + " " + (xhr.responseText || "");
        }
      });
      xhr.addEventListener("error", function () {
        if (status) { status.textContent = status.getAttribute("data-failed"); }
      });
      xhr.send(new FormData(form));
    });
  });
})();
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
