// Operator dashboard: one EventSource on /api/stream pushes a snapshot per second; the page
// keeps five minutes of per-room bitrate for two Chart.js line charts, a room table sorted by
// bitrate, and (after a click) that room's participants: under each one, the simulcast layers it
// publishes with their bitrates and the layer it receives of each video, its downlink estimate
// against what the allocation gives it, and a chart of both over time for one participant.
// A nodes table polls /api/cluster: this node alone, or every node of the cluster (cluster mode).

const HISTORY = 300;          // points kept per room: five minutes at one per second
const MAX_SERIES = 8;         // rooms drawn in the charts: the busiest ones
const COLORS = ['#3d8bfd', '#30a46c', '#f5a524', '#e5484d', '#a66bff', '#12a594', '#ff7ab8', '#c2c8d0'];

const params = new URLSearchParams(location.search);
const token = params.get('token');
const state = {
  times: [],                  // timestamps (ms) of the points, oldest first
  series: new Map(),          // room id -> {in: [], out: []}, aligned with times
  selected: params.get('room'),
  participant: null,          // the participant whose downlink is charted in the room view
  downlink: new Map(),        // participant id -> {t: [], estimate: [], allocated: [], sent: []}, selected room only
  last: null,                 // the last snapshot event
  events: 0,
};
window.dashboardState = state; // for tests and curious operators

const $ = (sel) => document.querySelector(sel);

export function formatBitrate(bps) {
  if (bps == null || bps < 0) return '–';
  if (bps >= 1e9) return (bps / 1e9).toFixed(2) + ' Gbit/s';
  if (bps >= 1e6) return (bps / 1e6).toFixed(2) + ' Mbit/s';
  if (bps >= 1e3) return (bps / 1e3).toFixed(0) + ' kbit/s';
  return bps + ' bit/s';
}

function formatBytes(b) {
  if (b == null || b < 0) return '–';
  if (b >= 1024 ** 3) return (b / 1024 ** 3).toFixed(1) + ' GiB';
  return (b / (1024 * 1024)).toFixed(0) + ' MiB';
}

function percent(x) {
  return x == null || x < 0 ? '–' : (x * 100).toFixed(x < 0.1 ? 1 : 0) + ' %';
}

function color(roomId) {
  let h = 0;
  for (const c of roomId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length];
}

function addPoint(t, rooms) {
  state.times.push(t);
  for (const [id, s] of state.series) {
    const v = rooms.get(id);
    s.in.push(v ? v[0] : null);
    s.out.push(v ? v[1] : null);
  }
  for (const [id, v] of rooms) {
    if (!state.series.has(id)) {
      const pad = new Array(state.times.length - 1).fill(null);
      state.series.set(id, { in: [...pad, v[0]], out: [...pad, v[1]] });
    }
  }
  while (state.times.length > HISTORY) {
    state.times.shift();
    for (const s of state.series.values()) { s.in.shift(); s.out.shift(); }
  }
  for (const [id, s] of state.series) {
    if (s.in.every((v) => v == null)) state.series.delete(id);
  }
}

function makeChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, spanGaps: false,
      interaction: { mode: 'nearest', intersect: false },
      elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
      scales: {
        x: { ticks: { color: '#a5adba', maxTicksLimit: 6, maxRotation: 0 }, grid: { color: '#2a2f38' } },
        y: { beginAtZero: true, ticks: { color: '#a5adba', callback: (v) => formatBitrate(v) }, grid: { color: '#2a2f38' } },
      },
      plugins: {
        legend: { labels: { color: '#eef1f5', boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatBitrate(c.parsed.y)}` } },
      },
    },
  });
}

let chartIn = null;
let chartOut = null;

function drawCharts() {
  if (!window.Chart) return;
  chartIn ??= makeChart($('#chart-in'));
  chartOut ??= makeChart($('#chart-out'));
  const labels = state.times.map((t) => new Date(t).toLocaleTimeString([], { hour12: false }));
  const busiest = [...state.series.entries()]
    .map(([id, s]) => [id, s, (s.in.at(-1) ?? 0) + (s.out.at(-1) ?? 0)])
    .sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]))
    .slice(0, MAX_SERIES);
  for (const [chart, key] of [[chartIn, 'in'], [chartOut, 'out']]) {
    chart.data.labels = labels;
    chart.data.datasets = busiest.map(([id, s]) => ({
      label: id, data: s[key], borderColor: color(id), backgroundColor: color(id),
    }));
    chart.update('none');
  }
}

// Downlink history of the selected room's participants, five minutes at one point per snapshot.
function addDownlink(t, room) {
  for (const p of room?.participants ?? []) {
    let h = state.downlink.get(p.id);
    if (!h) { h = { t: [], estimate: [], allocated: [], sent: [] }; state.downlink.set(p.id, h); }
    const d = p.downlink ?? {};
    h.t.push(t);
    h.estimate.push(d.estimateBps >= 0 ? d.estimateBps : null);
    h.allocated.push(d.allocatedBps ?? null);
    h.sent.push(p.bitrateDown);
    if (h.t.length > HISTORY) { h.t.shift(); h.estimate.shift(); h.allocated.shift(); h.sent.shift(); }
  }
  const present = new Set((room?.participants ?? []).map((p) => p.id));
  for (const id of state.downlink.keys()) if (!present.has(id)) state.downlink.delete(id);
  if (!state.participant || !present.has(state.participant)) {
    // Default: the first participant with an estimate, else the first one.
    const withEstimate = (room?.participants ?? []).find((p) => p.downlink?.estimateBps >= 0);
    state.participant = (withEstimate ?? room?.participants?.[0])?.id ?? null;
  }
}

let chartDownlink = null;

function drawDownlinkChart() {
  if (!window.Chart || !state.selected) return;
  chartDownlink ??= makeChart($('#chart-downlink'));
  const h = state.participant ? state.downlink.get(state.participant) : null;
  $('#downlink-who').textContent = state.participant ?? '–';
  chartDownlink.data.labels = (h?.t ?? []).map((t) => new Date(t).toLocaleTimeString([], { hour12: false }));
  chartDownlink.data.datasets = h ? [
    { label: 'estimate', data: h.estimate, borderColor: COLORS[0], backgroundColor: COLORS[0] },
    { label: 'allocated', data: h.allocated, borderColor: COLORS[2], backgroundColor: COLORS[2] },
    { label: 'sent', data: h.sent, borderColor: COLORS[1], backgroundColor: COLORS[1], borderDash: [4, 3] },
  ] : [];
  chartDownlink.update('none');
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function drawRooms(rooms) {
  const body = $('#rooms tbody');
  const sorted = [...rooms].sort((a, b) => (b.bitrateIn + b.bitrateOut) - (a.bitrateIn + a.bitrateOut) || a.id.localeCompare(b.id));
  const rows = sorted.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.room = r.id;
    tr.dataset.bitrateIn = r.bitrateIn;
    tr.dataset.bitrateOut = r.bitrateOut;
    tr.setAttribute('aria-selected', String(r.id === state.selected));
    const name = cell('');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = color(r.id);
    name.append(sw, document.createTextNode(r.id));
    tr.append(name, cell(r.participants, 'num'), cell(r.tracks, 'num'),
      cell(formatBitrate(r.bitrateIn), 'num in'), cell(formatBitrate(r.bitrateOut), 'num out'));
    tr.addEventListener('click', () => select(r.id));
    return tr;
  });
  body.replaceChildren(...rows);
  $('#rooms-empty').hidden = rooms.length > 0;
}

function span(text, cls) {
  const el = document.createElement('span');
  el.textContent = text;
  if (cls) el.className = cls;
  return el;
}

function size(l) {
  return l.width > 0 ? ` ${l.width}×${l.height}` : '';
}

// "q 150 kbit/s 320×180 · h 480 kbit/s 640×360 · f off": what a publisher's video arrives as.
function layersLine(track) {
  const out = [];
  for (const l of track.layers) {
    if (out.length) out.push(document.createTextNode(' · '));
    const name = l.rid ?? 'video';
    const el = span(l.live ? `${name} ${formatBitrate(l.bitrate)}${size(l)}` : `${name} off`, 'layer' + (l.live ? '' : ' off'));
    el.dataset.rid = l.rid ?? '';
    out.push(el);
  }
  return out;
}

// "alice h · 2 switches", or "alice paused (hidden)": what a subscriber gets of one video.
function receivedLine(track) {
  const f = track.forwarding;
  const el = span('', 'recv');
  el.dataset.publisher = track.publisherId;
  el.dataset.rid = f.rid ?? '';
  el.append(span(track.publisherId, 'who'), document.createTextNode(' '));
  if (f.paused) {
    el.append(span('paused' + (f.pauseReason ? ` (${f.pauseReason})` : ''), 'badge paused'));
  } else {
    const layer = f.rid ?? (f.layer >= 0 ? 'video' : 'waiting');
    const pending = f.targetRid && f.targetRid !== f.rid ? ` → ${f.targetRid}` : '';
    const temporal = f.maxTemporalLayer < 3 ? ` T≤${f.maxTemporalLayer}` : '';
    el.append(span(layer + pending + temporal, 'rid'));
  }
  el.append(document.createTextNode(` · ${f.switches} switch${f.switches === 1 ? '' : 'es'}`));
  return el;
}

// The line under a participant: the layers it publishes and the videos it receives.
function mediaRow(p) {
  const ups = p.tracks.filter((t) => t.direction === 'up' && t.layers.length > 0);
  const downs = p.tracks.filter((t) => t.direction === 'down' && t.forwarding);
  if (!ups.length && !downs.length) return null;
  const tr = document.createElement('tr');
  tr.className = 'media';
  tr.dataset.mediaOf = p.id;
  const td = document.createElement('td');
  td.colSpan = 10;
  if (ups.length) {
    const line = span('', 'publishes');
    line.append(span('Sends', 'what'));
    for (const t of ups) line.append(...layersLine(t));
    td.append(line);
  }
  if (downs.length) {
    const line = span('', 'receives');
    line.append(span('Gets', 'what'));
    downs.forEach((t, i) => {
      if (i) line.append(document.createTextNode(' · '));
      line.append(receivedLine(t));
    });
    td.append(line);
  }
  tr.append(td);
  return tr;
}

// "420 kbit/s", with the videos paused for bandwidth and the recent layer switches when there are any.
function allocatedCell(d) {
  const td = cell(d && d.allocatedBps > 0 ? formatBitrate(d.allocatedBps) : '–', 'num allocated');
  if (d?.pausedForBandwidth > 0) td.append(span(`${d.pausedForBandwidth} paused`, 'badge paused'));
  if (d) td.title = `wanted ${formatBitrate(d.desiredBps)} · ${d.switchesPerMinute} switches/min · pacer queue ${d.pacerQueue}`
    + ` · ${d.probeClusters} probes · ${d.feedbacks} transport-cc feedbacks`;
  return td;
}

function drawDetail(room) {
  const panel = $('#room-detail');
  if (!state.selected) { panel.hidden = true; return; }
  panel.hidden = false;
  $('#detail-name').textContent = state.selected;
  $('#detail-gone').hidden = room !== null; // undefined: loading, null: the room is gone
  const rows = (room?.participants ?? []).flatMap((p) => {
    const tr = document.createElement('tr');
    tr.dataset.participant = p.id;
    tr.dataset.bitrateUp = p.bitrateUp;
    tr.dataset.bitrateDown = p.bitrateDown;
    tr.setAttribute('aria-selected', String(p.id === state.participant));
    tr.addEventListener('click', () => { state.participant = p.id; drawDetail(room); drawDownlinkChart(); });
    const speaking = p.id === room.dominantSpeaker;
    if (speaking) tr.classList.add('speaker');
    const name = cell(p.displayName ? `${p.displayName} (${p.id})` : p.id);
    if (speaking) name.append(span('speaking', 'badge speaking'));
    tr.append(name, cell(p.connectionState, 'state-' + p.connectionState),
      cell(formatBitrate(p.bitrateUp), 'num up'), cell(formatBitrate(p.bitrateDown), 'num down'),
      cell(formatBitrate(p.downlink?.estimateBps), 'num estimate'),
      allocatedCell(p.downlink),
      cell(percent(p.lossUp), 'num' + (p.lossUp > 0.05 ? ' bad' : '')),
      cell(percent(p.lossDown), 'num' + (p.lossDown > 0.05 ? ' bad' : '')),
      cell(p.rttMillis < 0 ? '–' : p.rttMillis.toFixed(0) + ' ms', 'num' + (p.rttMillis > 300 ? ' bad' : '')),
      cell(p.jitterMillis.toFixed(1) + ' ms', 'num'));
    const media = mediaRow(p);
    return media ? [tr, media] : [tr];
  });
  $('#participants tbody').replaceChildren(...rows);
}

function drawServer(s, t) {
  $('#srv-rooms').textContent = s.rooms;
  $('#srv-participants').textContent = s.participants;
  $('#srv-in').textContent = formatBitrate(s.bitrateIn);
  $('#srv-out').textContent = formatBitrate(s.bitrateOut);
  $('#srv-pps').textContent = `${s.packetRateIn} · ${s.packetRateOut}`;
  $('#srv-cpu').textContent = `${percent(s.processCpu)} · ${percent(s.systemCpu)}`;
  $('#srv-heap').textContent = s.heapMaxBytes > 0 ? `${formatBytes(s.heapUsedBytes)} / ${formatBytes(s.heapMaxBytes)}` : formatBytes(s.heapUsedBytes);
  $('#srv-ready').textContent = s.ready ? 'yes' : 'draining';
  setStatus('live', 'Live · ' + new Date(t).toLocaleTimeString([], { hour12: false }));
}

function setStatus(kind, text) {
  $('#status').dataset.state = kind;
  $('#status .label').textContent = text;
}

let source = null;

function connect() {
  source?.close();
  const q = new URLSearchParams();
  if (token) q.set('token', token);
  if (state.selected) q.set('room', state.selected);
  source = new EventSource('/api/stream' + (q.size ? '?' + q : ''));
  source.addEventListener('history', (e) => {
    state.times = [];
    state.series = new Map();
    for (const p of JSON.parse(e.data)) addPoint(p.t, new Map(Object.entries(p.rooms)));
    drawCharts();
  });
  source.addEventListener('snapshot', (e) => {
    const ev = JSON.parse(e.data);
    state.last = ev;
    state.events++;
    addPoint(ev.t, new Map(ev.rooms.map((r) => [r.id, [r.bitrateIn, r.bitrateOut]])));
    drawServer(ev.server, ev.t);
    drawRooms(ev.rooms);
    addDownlink(ev.t, ev.room);
    drawDetail(ev.room);
    drawCharts();
    drawDownlinkChart();
  });
  source.onerror = () => setStatus('error', 'Disconnected, retrying…');
}

function select(roomId) {
  state.selected = state.selected === roomId ? null : roomId;
  const url = new URL(location.href);
  if (state.selected) url.searchParams.set('room', state.selected); else url.searchParams.delete('room');
  history.replaceState(null, '', url);
  for (const tr of document.querySelectorAll('#rooms tbody tr')) {
    tr.setAttribute('aria-selected', String(tr.dataset.room === state.selected));
  }
  state.downlink = new Map();
  state.participant = null;
  drawDetail(undefined);
  connect(); // The stream carries the selected room's participants.
}

/** The nodes table from a /api/cluster answer: live nodes with their load, dead ones greyed out. */
export function nodeRows(cluster) {
  return cluster.nodes.map((n) => ({
    id: n.id + (n.self ? ' (this node)' : ''),
    region: n.region ?? '–',
    state: !n.live ? 'dead' : n.load.draining ? 'draining' : 'live',
    participants: n.load.participants,
    tracks: n.load.tracks,
    bitrate: formatBitrate(n.load.bitrateBps),
    cpu: n.load.cpu >= 0 ? percent(n.load.cpu) : '–',
    rooms: n.rooms.length,
    url: n.url ?? '–',
  }));
}

function drawNodes(cluster) {
  state.cluster = cluster;
  $('#nodes-mode').textContent = cluster.mode === 'single' ? '(single node, no cluster)'
    : `(cluster on Redis: ${cluster.redis}, placement ${cluster.placement})`;
  const rows = nodeRows(cluster).map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.node = r.id;
    tr.dataset.state = r.state;
    tr.append(cell(r.id), cell(r.region), cell(r.state), cell(r.participants, 'num'), cell(r.tracks, 'num'),
      cell(r.bitrate, 'num'), cell(r.cpu, 'num'), cell(r.rooms, 'num'), cell(r.url));
    if (r.state === 'dead') tr.style.opacity = '0.5';
    return tr;
  });
  $('#nodes tbody').replaceChildren(...rows);
}

async function pollNodes() {
  try {
    const r = await fetch('/api/cluster', { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    if (r.ok) drawNodes(await r.json());
  } catch (e) {
    // The stream's status line already says when the server is unreachable.
  }
}

$('#detail-close').addEventListener('click', () => select(state.selected));
connect();
pollNodes();
setInterval(pollNodes, 2000);
