// Vanphong console: small improvements over plain forms, none of which a
// page needs to work (every form still posts without script).
//
// - A form being sent shows it: its button says "Đang xử lý…" and cannot
//   be pressed twice; the page's own answer then replaces it.
// - A form with a file (class "upload") takes the file dropped on it and
//   shows how much of it has gone up while it is sent.
"use strict";

(function () {
  var BUSY_TEXT = "Đang xử lý…";

  function submitterOf(form, event) {
    return event.submitter || form.querySelector("button[type=submit], button:not([type])");
  }

  // Marks a form busy once its data is taken (after the submit event, so
  // the pressed button's name and value are still sent).
  function markBusy(form, button) {
    window.setTimeout(function () {
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = true;
      });
      if (button && !button.dataset.label) {
        button.dataset.label = button.textContent;
        button.textContent = BUSY_TEXT;
      }
    }, 0);
  }

  function unmarkBusy(root) {
    root.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button").forEach(function (b) {
        b.disabled = false;
        if (b.dataset.label) {
          b.textContent = b.dataset.label;
          delete b.dataset.label;
        }
      });
    });
  }

  function sizeText(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB";
    if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
    return bytes + " byte";
  }

  // The drop zone, the chosen file's name and the progress bar of an
  // upload form, made once.
  function enhanceUpload(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    var input = form.querySelector("input[type=file]");
    if (!input) return;
    var zone = document.createElement("div");
    zone.className = "drop";
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Kéo và thả tệp vào đây, hoặc bấm để chọn tệp.";
    var chosen = document.createElement("p");
    chosen.className = "chosen";
    chosen.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(zone, input);
    zone.appendChild(hint);
    zone.appendChild(input);
    zone.appendChild(chosen);
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.hidden = true;
    progress.setAttribute("aria-label", "Tiến độ tải tệp lên");
    zone.appendChild(progress);

    function showChosen() {
      var file = input.files && input.files[0];
      chosen.textContent = file ? "Đã chọn: " + file.name + " (" + sizeText(file.size) + ")" : "";
    }
    input.addEventListener("change", showChosen);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) {
        e.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("over");
      });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        showChosen();
      }
    });
  }

  // Sends an upload form with its progress shown; the answer (the next
  // page, or the form again with what to fix) replaces the page.
  function sendWithProgress(form, button) {
    var progress = form.querySelector("progress");
    var data = new FormData(form);
    if (button && button.name) data.append(button.name, button.value);
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (!progress || !e.lengthComputable) return;
      progress.hidden = false;
      progress.value = Math.round((e.loaded / e.total) * 100);
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL !== form.action && request.status < 400) {
        window.location.assign(request.responseURL);
        return;
      }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      document.title = page.title;
      document.body.replaceWith(page.body);
      enhance(document);
      if (window.htmx) window.htmx.process(document.body);
      var alert = document.querySelector("[role=alert]");
      if (alert) alert.scrollIntoView();
    });
    request.addEventListener("error", function () {
      unmarkBusy(document);
      if (progress) progress.hidden = true;
      window.alert("Không gửi được biểu mẫu; kiểm tra kết nối mạng rồi thử lại.");
    });
    request.send(data);
  }

  function enhance(root) {
    root.querySelectorAll("form.upload").forEach(enhanceUpload);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    var button = submitterOf(form, event);
    if (form.classList.contains("upload") && window.FormData && window.XMLHttpRequest) {
      event.preventDefault();
      sendWithProgress(form, button);
    }
    markBusy(form, button);
  });

  // A page shown again from the back button is not busy any more.
  window.addEventListener("pageshow", function () {
    unmarkBusy(document);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  } else {
    enhance(document);
  }
})();
