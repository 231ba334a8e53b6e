// kqf dashboard: polls the APIs' own status endpoints and /ui/state.json once a second and
// redraws in place. No framework and no build step; every value is written with textContent.
"use strict";

const POLL_MS = 1000;
const WORKERS_EVERY = 5;          // polls between /worker refreshes
const WORKER_QUEUES = 50;         // at most this many /worker requests per refresh
const HISTORY = 120;              // sparkline samples (two minutes)

const history = new Map();        // queue -> [ready total, ...]
const previous = new Map();       // queue -> {appended, taken, at}
const workers = new Map();        // queue -> "w1, w2"
let polls = 0;

window.kqfDashboard = { loadedAt: Date.now(), updates: 0 };

async function json(path) {
  const answer = await fetch(path, { cache: "no-store", credentials: "same-origin" });
  if (!answer.ok) {
    throw new Error(path + ": " + answer.status + " " + (answer.headers.get("Kqf-Error") || ""));
  }
  return answer.json();
}

function cell(row, field, value, className) {
  let td = row.querySelector('[data-field="' + field + '"]');
  if (!td) {
    td = document.createElement("td");
    td.dataset.field = field;
    if (className) td.className = className;
    row.appendChild(td);
  }
  const text = value === undefined || value === null ? "" : String(value);
  if (td.textContent !== text) td.textContent = text;
  return td;
}

function rate(queue, counts, now) {
  const before = previous.get(queue);
  previous.set(queue, { appended: counts.appended, taken: counts.taken, at: now });
  if (!before || now <= before.at) return ["", ""];
  const seconds = (now - before.at) / 1000;
  const perSecond = (a, b) => Math.max(0, (a - b) / seconds).toFixed(1);
  return [perSecond(counts.appended, before.appended), perSecond(counts.taken, before.taken)];
}

function sparkline(row, values) {
  let td = row.querySelector('[data-field="spark"]');
  if (!td) {
    td = document.createElement("td");
    td.dataset.field = "spark";
    const canvas = document.createElement("canvas");
    canvas.className = "spark";
    canvas.width = 120;
    canvas.height = 22;
    td.appendChild(canvas);
    row.appendChild(td);
  }
  const canvas = td.firstChild;
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(1, ...values);
  g.strokeStyle = "#2563eb";
  g.beginPath();
  values.forEach((v, i) => {
    const x = canvas.width - (values.length - 1 - i) * (canvas.width / HISTORY);
    const y = canvas.height - 1 - (v / top) * (canvas.height - 2);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

function drawQueues(stats, counts, now) {
  const body = document.querySelector("#queues tbody");
  const seen = new Set();
  stats.sort((a, b) => a.queue.localeCompare(b.queue));
  for (const s of stats) {
    seen.add(s.queue);
    let row = body.querySelector('tr[data-queue="' + CSS.escape(s.queue) + '"]');
    if (!row) {
      row = document.createElement("tr");
      row.dataset.queue = s.queue;
    }
    body.appendChild(row); // keeps rows in name order
    const push = s.type === 1;
    const ready = s.ready || [0, 0, 0];
    const total = push ? ready[0] : ready[0] + ready[1] + ready[2];
    row.classList.toggle("locked", s.lock === 1);
    cell(row, "queue", s.queue, "text");
    cell(row, "type", push ? "push" : "work", "text");
    cell(row, "ready0", ready[0]);
    cell(row, "ready1", push ? "" : ready[1]);
    cell(row, "ready2", push ? "" : ready[2]);
    cell(row, "unacked", s.unacked);
    cell(row, "lock", s.lock === 1 ? "locked" : "");
    cell(row, "max", s.max === 0 ? "∞" : s.max).classList.toggle("full", s.max > 0 && total >= s.max);
    cell(row, "timeout", push ? "" : s.timeout);
    const [rateIn, rateOut] = counts.has(s.queue) ? rate(s.queue, counts.get(s.queue), now) : ["", ""];
    cell(row, "in", rateIn);
    cell(row, "out", rateOut);
    const samples = history.get(s.queue) || [];
    samples.push(total);
    if (samples.length > HISTORY) samples.shift();
    history.set(s.queue, samples);
    sparkline(row, samples);
    cell(row, "workers", workers.get(s.queue) || "", "workers");
  }
  for (const row of [...body.querySelectorAll("tr[data-queue]")]) {
    if (!seen.has(row.dataset.queue)) {
      row.remove();
      history.delete(row.dataset.queue);
      previous.delete(row.dataset.queue);
    }
  }
  document.getElementById("queue-count").textContent = stats.length + (stats.length === 1 ? " queue" : " queues");
}

function drawRpc(tasks, slots) {
  const table = document.getElementById("rpc");
  const set = (field, value) => { table.querySelector('[data-field="' + field + '"]').textContent = value; };
  set("unassigned_tasks", tasks.unassigned_tasks);
  set("assigned_tasks", tasks.assigned_tasks);
  set("free_tasks", tasks.free_tasks + " / " + tasks.total);
  set("cache_workers", slots.cache_workers);
  set("free_workers", slots.free_workers + " / " + slots.total);
  const usage = (used, total) => (total > 0 ? Math.min(100, (100 * used) / total) : 0) + "%";
  table.querySelector('[data-field="task_usage"]').style.width =
      usage(tasks.unassigned_tasks + tasks.assigned_tasks, tasks.total);
  table.querySelector('[data-field="worker_usage"]').style.width = usage(slots.cache_workers, slots.total);
}

function drawNodes(state) {
  document.getElementById("served-by").textContent = "served by node " + state.node;
  const body = document.querySelector("#nodes tbody");
  body.replaceChildren();
  for (const n of state.nodes) {
    const row = document.createElement("tr");
    row.dataset.node = n.node;
    row.classList.toggle("down", n.answered === false);
    cell(row, "node", n.node, "text");
    cell(row, "url", n.url, "text");
    if (n.answered === false) {
      cell(row, "queues", "not answering", "text");
    } else {
      cell(row, "queues", Object.keys(n.queues || {}).length);
      cell(row, "subscriptions", n.subscriptions);
      cell(row, "evget", n.parked.evget);
      cell(row, "get", n.parked.get);
      cell(row, "rpc-workers", n.rpc.parkedWorkers + " / " + n.rpc.workerCapacity);
    }
    body.appendChild(row);
  }
}

async function refreshWorkers(stats) {
  const work = stats.filter(s => s.type !== 1).slice(0, WORKER_QUEUES);
  await Promise.all(work.map(async s => {
    try {
      const list = await json("/worker?queue=" + encodeURIComponent(s.queue));
      workers.set(s.queue, list.map(w => w.w).join(", "));
    } catch (e) {
      workers.delete(s.queue); // the queue went away between the two requests
    }
  }));
}

async function poll() {
  try {
    const [stats, tasks, slots, state] = await Promise.all([
      json("/stat_all"), json("/do_get_status"), json("/do_post_status"), json("/ui/state.json")]);
    if (polls++ % WORKERS_EVERY === 0) await refreshWorkers(stats);
    const counts = new Map();
    for (const node of state.nodes) {
      for (const [queue, c] of Object.entries(node.queues || {})) counts.set(queue, c);
    }
    drawQueues(stats, counts, state.time);
    drawRpc(tasks, slots);
    drawNodes(state);
    document.getElementById("error").hidden = true;
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
    window.kqfDashboard.updates++;
  } catch (e) {
    const error = document.getElementById("error");
    error.textContent = "cannot refresh: " + e.message;
    error.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
