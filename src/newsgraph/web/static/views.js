// newsgraph dashboard views: network (cytoscape), timeline (vis-timeline), map (leaflet).
// Data comes from the page's JSON twin; every text from the articles is put in the page with
// textContent (never as HTML), so hostile text stays text.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function evidenceLink(articleId, evidence) {
  const a = el("a", "“" + (evidence.text || "") + "”", "evidence");
  a.href = "/articles/" + encodeURIComponent(articleId) + "#c" + evidence.start;
  return a;
}

async function load(container) {
  const response = await fetch(container.dataset.source, { credentials: "same-origin" });
  if (!response.ok) throw new Error("could not load " + container.dataset.source);
  return response.json();
}

function tone(score) {
  return score < 0 ? "#c0392b" : score > 0 ? "#1e8e4e" : "#8a94a6";
}

async function drawNetwork(container) {
  const data = await load(container);
  const elements = [];
  data.nodes.forEach((n) => elements.push({ data: { id: n.id, label: n.name, weight: n.events } }));
  data.edges.forEach((e, i) => elements.push({
    data: { id: "e" + i, source: e.source, target: e.target, events: e.events, color: tone(e.score) },
  }));
  const cy = cytoscape({
    container,
    elements,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#2f5bd3",
        width: "mapData(weight, 1, 30, 14, 48)", height: "mapData(weight, 1, 30, 14, 48)",
        color: "#1d2330", "text-valign": "bottom", "text-margin-y": 4 } },
      { selector: "edge", style: { width: "mapData(events, 1, 15, 1, 8)", "line-color": "data(color)",
        "target-arrow-color": "data(color)", "target-arrow-shape": "triangle", "curve-style": "bezier",
        opacity: 0.8 } },
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
  });
  cy.on("tap", "node", (event) => { window.location.href = "/actors/" + encodeURIComponent(event.target.id()); });
  container.dataset.drawn = String(data.nodes.length);
  if (!data.nodes.length) container.appendChild(el("p", "No events between resolved actors match.", "empty"));
}

function short(text) {
  const words = String(text || "");
  return words.length > 18 ? words.slice(0, 17) + "…" : words;
}

function itemContent(event) {
  const box = el("span");
  // codes where the parties are resolved, else their words cut short: the box stays narrow
  const side = (parties) => parties.map((p) => p.code || short(p.text)).join(", ") || "—";
  const who = side(event.actor) + " → " + side(event.recipient);
  box.appendChild(el("span", who));
  return box;
}

async function drawTimeline(container) {
  const events = await load(container);
  const tones = JSON.parse(container.dataset.tones || "{}");
  const items = [];
  const byId = new Map();
  const perType = new Map();
  events.forEach((e, i) => {
    if (!e.date || e.date.length < 7) return;
    const start = e.date.length === 7 ? e.date + "-01" : e.date;
    const type = e.event || "?";
    items.push({ id: i, start, group: type, content: itemContent(e), className: "tl-" + type.toLowerCase() });
    byId.set(i, e);
    perType.set(type, (perType.get(type) || 0) + 1);
  });
  // one lane per event type, cooperation at the top, conflict at the bottom
  const groups = [...perType.keys()]
    .sort((a, b) => (tones[b] || 0) - (tones[a] || 0) || a.localeCompare(b))
    .map((type, order) => ({ id: type, order, content: el("span", type + " · " + perType.get(type)),
                             className: "tl-lane-" + ((tones[type] || 0) < 0 ? "conflict" : "cooperation") }));
  const detail = el("div", null, "timeline-detail");
  container.after(detail);
  if (!items.length) {
    container.appendChild(el("p", "No dated event matches.", "empty"));
    container.dataset.drawn = "0";
    return;
  }
  const timeline = new vis.Timeline(container, new vis.DataSet(items), new vis.DataSet(groups), {
    stack: true, maxHeight: 640, zoomMin: 86400000, groupOrder: "order", verticalScroll: true,
    orientation: { axis: "top", item: "top" },
    cluster: { maxItems: 2, showStipes: true, fitOnDoubleClick: true, titleTemplate: "{count} events: zoom in to see them" },
  });
  timeline.on("select", (props) => {
    const event = byId.get(props.items[0]);
    detail.replaceChildren();
    if (!event) return;
    detail.appendChild(el("strong", event.date + " · " + event.event + " · " + (event.outlet || "")));
    detail.appendChild(el("br"));
    detail.appendChild(evidenceLink(event.article_id, event.evidence));
  });
  container.dataset.drawn = String(items.length);
}

async function drawMap(container) {
  const [points, world] = await Promise.all([
    load(container),
    fetch(container.dataset.world).then((r) => r.json()),
  ]);
  const map = L.map(container, { attributionControl: false, worldCopyJump: true, minZoom: 2 }).setView([15, 10], 3);
  L.geoJSON(topojson.feature(world, world.objects.countries), {
    style: { color: "#c5cbd8", weight: 0.7, fillColor: "#eef1f7", fillOpacity: 1 },
  }).addTo(map);
  points.forEach((p) => {
    const marker = L.circleMarker([p.lat, p.lon], {
      radius: Math.min(30, 5 + 3 * Math.sqrt(p.events)), color: "#2f5bd3", weight: 1, fillOpacity: 0.45,
    }).addTo(map);
    const popup = el("div", null, "map-popup");
    popup.appendChild(el("strong", (p.name || "?") + " · " + p.events + " event(s)"));
    p.examples.forEach((x) => {
      const line = el("div");
      line.appendChild(el("span", (x.date || "") + " " + x.event + ": "));
      line.appendChild(evidenceLink(x.article_id, x.evidence));
      popup.appendChild(line);
    });
    marker.bindPopup(popup, { maxWidth: 360 });
  });
  if (points.length) {
    map.fitBounds(points.map((p) => [p.lat, p.lon]), { padding: [40, 40], maxZoom: 6 });
  }
  container.dataset.drawn = String(points.length);
}

document.addEventListener("DOMContentLoaded", () => {
  const views = { network: drawNetwork, timeline: drawTimeline, map: drawMap };
  Object.entries(views).forEach(([id, draw]) => {
    const container = document.getElementById(id);
    if (container) draw(container).catch((error) => {
      container.appendChild(el("p", String(error), "empty"));
      console.error(error);
    });
  });
});
