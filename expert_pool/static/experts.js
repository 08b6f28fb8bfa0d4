// Renders the pool table from GET /api/v1/experts with the signed-in session.
(function () {
  const form = document.getElementById("filters");
  const body = document.querySelector("table[data-testid=experts] tbody");
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const label = (table, code) => (labels[table] && labels[table][code]) || code;
  let page = 1;
  const pageSize = 20;

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    return td;
  }

  async function load() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form).entries()) {
      if (value) params.append(key, value);
    }
    params.set("page", page);
    params.set("page_size", pageSize);
    const response = await fetch("/api/v1/experts?" + params, {
      headers: { "Accept": "application/json", "Accept-Language": lang },
      credentials: "same-origin",
    });
    const data = await response.json();
    const error = document.getElementById("error");
    if (!response.ok) {
      error.textContent = data.message + " " + JSON.stringify(data.errors || {});
      error.hidden = false;
      return;
    }
    error.hidden = true;
    body.replaceChildren();
    for (const e of data.items) {
      const tr = document.createElement("tr");
      tr.append(cell(e.id), cell(e.name), cell(e.organization && e.organization.name),
        cell(label("titles", e.title_rank)),
        cell(e.specialties.map((code) => label("specialties", code)).join(lang === "zh" ? "、" : ", ")),
        cell(label("provinces", e.province)), cell(e.mobile), cell(label("statuses", e.status)));
      body.append(tr);
    }
    document.getElementById("total").textContent = "(" + data.total + ")";
    document.getElementById("page").textContent = page + " / " + Math.max(1, Math.ceil(data.total / pageSize));
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); page = 1; load(); });
  document.getElementById("prev").addEventListener("click", () => { if (page > 1) { page -= 1; load(); } });
  document.getElementById("next").addEventListener("click", () => { page += 1; load(); });
  load();
})();
