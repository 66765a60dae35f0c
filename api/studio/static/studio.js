// The studio's little JavaScript: job progress, upload progress, the player's overlay,
// the caption counter and the product filter. Everything else is plain HTML forms.
"use strict";
(function () {
  const csrf = document.body.dataset.csrf;
  const idLang = document.body.dataset.lang === "id";

  function pollJob(box) {
    const bar = document.getElementById("progress");
    const stage = document.getElementById("stage");
    const eta = document.getElementById("eta");
    const status = document.getElementById("status");
    const words = JSON.parse(document.getElementById("stage-words").textContent);
    async function tick() {
      const r = await fetch(box.dataset.api, {headers: {Accept: "application/json"}});
      if (!r.ok) { setTimeout(tick, 2000); return; }
      const t = await r.json();
      bar.value = t.status === "ready" ? 1 : t.progress;
      stage.textContent = words[t.stage] || words[t.status] || t.stage || t.status;
      eta.textContent = t.eta_s ? (idLang ? `· perkiraan sisa ${Math.round(t.eta_s)} detik`
                                          : `· about ${Math.round(t.eta_s)} s left`) : "";
      status.dataset.status = t.status;
      if (t.status === "ready" || t.status === "failed") {
        window.location.reload();  // the page shows the player, moments and poster
        return;
      }
      setTimeout(tick, 700);
    }
    tick();
  }

  function upload(drop) {
    const input = document.getElementById("file");
    const bar = document.getElementById("upload-progress");
    const out = document.getElementById("upload-status");
    function send(file) {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", drop.dataset.api);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 400) {
          // the API's own words, in the page's language; the file input marked
          out.textContent = body.detail || xhr.statusText;
          out.className = "problem";
          out.setAttribute("role", "alert");
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", "upload-status");
          return;
        }
        input.removeAttribute("aria-invalid");
        bar.value = 1;
        out.textContent = idLang ? "Terunggah, sedang diperiksa…" : "Uploaded, being checked…";
        setTimeout(() => window.location.reload(), 800);
      };
      xhr.send(file);
    }
    input.addEventListener("change", () => { if (input.files[0]) send(input.files[0]); });
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const job = document.getElementById("job");
    if (job && !["ready", "failed"].includes(job.dataset.status)) pollJob(job);
    const drop = document.getElementById("drop");
    if (drop) upload(drop);
    const toggle = document.getElementById("ui-toggle");
    const ui = document.getElementById("player-ui");
    if (toggle && ui) toggle.addEventListener("change", () => { ui.hidden = !toggle.checked; });
    document.querySelectorAll("[data-counter]").forEach((area) => {
      const count = document.querySelector(area.dataset.counter);
      area.addEventListener("input", () => { count.textContent = area.value.length; });
    });
    document.querySelectorAll("[data-filter]").forEach((search) => {
      const box = document.querySelector(search.dataset.filter);
      search.addEventListener("input", () => {
        const q = search.value.toLowerCase();
        box.querySelectorAll(".option").forEach((o) => {
          o.hidden = q !== "" && !o.textContent.toLowerCase().includes(q);
        });
      });
    });
    const list = document.getElementById("footage-list");
    if (list && list.querySelector('[data-status="uploaded"],[data-status="ingesting"]')) {
      setTimeout(() => window.location.reload(), 1500);
    }
  });
})();
