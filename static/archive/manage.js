// Uploads of recordings and slides: the file is sent as the request body, with a progress bar,
// so a large recording streams to the server instead of being held in memory as a form.
import { csrfHeaders } from "../base/csrf.js";
import { gettext } from "../base/i18n.js";

(function () {
  const form = document.getElementById("upload-form");
  if (!form) { return; }
  const progress = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const file = form.querySelector('input[type="file"]').files[0];
    if (!file) { status.textContent = gettext("Choose a file first."); return; }
    const query = new URLSearchParams({
      kind: form.elements.kind.value, name: file.name, title: form.elements.title.value,
    });
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.uploadUrl + "?" + query.toString());
    Object.entries(csrfHeaders()).forEach(function ([name, value]) { request.setRequestHeader(name, value); });
    request.setRequestHeader("content-type", "application/octet-stream");
    request.setRequestHeader("accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { progress.hidden = false; progress.value = Math.round(100 * e.loaded / e.total); }
    });
    request.addEventListener("load", function () {
      if (request.status === 201) { status.textContent = gettext("Uploaded."); location.reload(); return; }
      let message = gettext("The upload failed (%(status)s).", { status: request.status });
      try {
        const body = JSON.parse(request.responseText);
        message = body.detail || message;
        if (body.extra && body.extra.file) { message = body.extra.file; }
      } catch (ignored) { /* keep the generic message */ }
      status.textContent = message;
    });
    request.addEventListener("error", function () { status.textContent = gettext("The connection broke off; nothing was kept. Try again."); });
    status.textContent = gettext("Uploading…");
    request.send(file);
  });
})();
