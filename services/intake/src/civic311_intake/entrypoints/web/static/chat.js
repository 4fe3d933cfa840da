// The chat as a live panel: the page's own form, posted with fetch to the same POST /chat, which answers
// JSON for it. The answer is added to the conversation and read out by the polite live region; Enter
// sends, Shift+Enter starts a new line. Without this script the form posts and the page comes back.
(function () {
  "use strict";
  var form = document.querySelector("[data-chat-form]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var lines = document.querySelector("[data-chat-lines]");
  var announce = document.querySelector("[data-chat-announce]");
  var error = form.querySelector("[data-chat-error]");
  var field = form.elements.message;
  var button = form.querySelector("button[type=submit]");
  var sending = false;

  function addLine(line) {
    var item = document.createElement("li");
    item.className = "chat__line chat__line--" + line.speaker;
    var who = document.createElement("span");
    who.className = "chat__who";
    who.textContent = line.who;
    var said = document.createElement("span");
    said.className = "chat__said";
    said.textContent = line.said;
    item.append(who, " ", said);
    if (line.tracking_number) {
      var link = document.createElement("a");
      link.className = "chat__track";
      link.href = "/track/" + encodeURIComponent(line.tracking_number);
      link.textContent = line.track_label;
      item.append(" ", link);
    }
    lines.append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
    field.setAttribute("aria-invalid", "true");
  }

  function clearError() {
    error.textContent = "";
    error.hidden = true;
    field.removeAttribute("aria-invalid");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    if (!field.value.trim()) { showError(form.dataset.empty); return; }
    sending = true;
    button.disabled = true;
    announce.textContent = form.dataset.sending;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.body.message_id) { form.elements.message_id.value = answer.body.message_id; }
      if (!answer.ok) {
        announce.textContent = "";
        showError(answer.body.detail || form.dataset.failed);
        return;
      }
      clearError();
      field.value = "";
      answer.body.lines.forEach(addLine);
      var reply = answer.body.lines[answer.body.lines.length - 1];
      announce.textContent = reply.who + " " + reply.said + (reply.track_label ? " " + reply.track_label : "");
    }).catch(function () {
      announce.textContent = "";
      showError(form.dataset.failed);
    }).then(function () {
      sending = false;
      button.disabled = false;
      field.focus();
    });
  });

  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { button.click(); }
    }
  });
})();
