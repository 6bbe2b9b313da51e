// lifecircle map page script (shipped as package data, inlined into every page).
//
// Data go into the page once, as JSON (LC.data); each overlay is an L.geoJSON
// built by LC.addLayer from a spec: which data set, which property to colour by
// and its class breaks, which popup rows to show. Styles are computed by one
// function from a class property, so no per-feature style is embedded. Every
// value from the data goes through LC.esc before it reaches a popup or tooltip:
// names are text, never HTML.
//
// The page calls, in order: LC.setup(map, config); LC.data[name] = compact collection
// (maps/compact.py, decoded by LC.dataset on first use);
// LC.fill(group, spec, key) per layer; LC.finish(config).
var LC = window.LC = window.LC ||
  {data: {}, layers: {}, groups: {}, legendOf: {}, cats: {}};
LC.esc = function (v) {
  if (v === null || v === undefined) { return ''; }
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
};
LC.cls = function (v, c) {
  if (v === null || v === undefined || typeof v !== 'number' || isNaN(v)) { return -1; }
  for (var i = 0; i < c.breaks.length; i++) {
    if (c.breaks[i] === null || v <= c.breaks[i]) { return i; }
  }
  return c.breaks.length - 1;
};
LC.colour = function (v, c) { var i = LC.cls(v, c); return i < 0 ? c.nullColour : c.colours[i]; };
LC.catName = function (id) {
  var c = LC.cats[id];
  if (!c) { return String(id); }
  return LC.lang === 'en' ? c.en + ' / ' + c.zh : c.zh + ' / ' + c.en;
};
LC.catShort = function (id) {
  var c = LC.cats[id];
  return c ? (LC.lang === 'en' ? c.en : c.zh) : String(id);
};
LC.fmt = function (v, kind, extra) {
  if (kind === 'int') { return Math.round(v).toLocaleString('en-US'); }
  if (kind === 'min') { return Number(v).toFixed(1); }
  if (kind === 'num') { return Number(v).toPrecision(3); }
  if (kind === 'pct') { return (100 * v).toFixed(0) + '%'; }
  if (kind === 'm') { return extra.replace('{m}', Math.round(v).toLocaleString('en-US')); }
  if (kind === 'cat') { return LC.catName(v); }
  if (kind === 'cats') {
    return String(v).split(',').filter(function (s) { return s; })
      .map(LC.catShort).join(LC.lang === 'en' ? ', ' : '、');
  }
  if (kind === 'label') { return (extra && extra[v] !== undefined) ? extra[v] : String(v); }
  if (kind === 'fac') { return LC.facName(v) || extra || String(v); }
  if (kind === 'of') { return String(Math.round(v)) + ' / ' + String(extra); }
  if (kind === 'num1') { return Number(v).toFixed(1); }
  if (kind === 'cap') { return String(v); }
  return String(v);
};
LC.popupHtml = function (p, spec) {
  var h = '<div class="lc-popup">';
  var title = spec.titleFrom ? LC.titleFrom(p, spec.titleFrom) : spec.title;
  if (title) { h += '<div class="lc-popup-title">' + LC.esc(title) + '</div>'; }
  h += '<table>';
  spec.rows.forEach(function (r) {
    var v = p[r[1]];
    var text;
    if (v === null || v === undefined || v === '') {
      if (r[3] === undefined || r[3] === null) { return; }
      text = r[3];
    } else {
      text = LC.fmt(v, r[2], r[4]);
      if (r[5] && p[r[5]]) { text += ' ' + p[r[5]]; }
    }
    h += '<tr><th>' + LC.esc(r[0]) + '</th><td>' + LC.esc(text) + '</td></tr>';
  });
  return h + '</table></div>';
};
// A facility's name from the page's facility data (popups name facilities, not ids).
LC.facName = function (id) {
  if (!LC.facNames) {
    LC.facNames = {};
    var fac = LC.data.fac ? LC.dataset('fac') : null;
    ((fac && fac.features) || []).forEach(function (f) {
      if (f.properties.name) { LC.facNames[f.properties.id] = f.properties.name; }
    });
  }
  return LC.facNames[id];
};
// A popup title made from the feature: ['gap', '{cat} gap no. {n}'] names a gap zone by its
// category and its rank in the page's language (the id's trailing number is the rank).
LC.titleFrom = function (p, how) {
  if (how[0] === 'gap') {
    var n = /(\d+)$/.exec(String(p.id || ''));
    return how[1].replace('{cat}', LC.catShort(p.kk)).replace('{n}', n ? String(Number(n[1])) : '?');
  }
  return '';
};
// Popups pan clear of the title block (top left) and the legend (bottom right).
LC.popupOptions = function () {
  var top = 10, right = 10;
  var title = document.getElementById('lc-title');
  if (title) { top = title.getBoundingClientRect().bottom + 10; }
  var legend = document.getElementById('lc-legend');
  if (legend && legend.offsetWidth) { right = legend.offsetWidth + 20; }
  return {maxWidth: 360, autoPanPaddingTopLeft: L.point(10, top),
    autoPanPaddingBottomRight: L.point(right, 20)};
};
LC.canvases = {};
LC.canvasIn = function (pane) {
  if (!LC.canvases[pane]) {
    LC.canvases[pane] = L.canvas({padding: 0.5, tolerance: 3, pane: pane});
  }
  return LC.canvases[pane];
};
// A canvas spans the whole map and would take every pointer event from the layers under
// it: each canvas takes them only while the pointer is over one of its interactive
// features (checked before the event reaches its target, in the capture phase).
LC.passThrough = function (e) {
  var point = LC.map.mouseEventToLayerPoint(e.touches ? e.touches[0] : e);
  for (var pane in LC.canvases) {
    var renderer = LC.canvases[pane], hit = false;
    if (!renderer._container) { continue; }
    for (var id in renderer._layers) {
      var layer = renderer._layers[id];
      if (layer.options.interactive && layer._containsPoint(point)) { hit = true; break; }
    }
    renderer._container.style.pointerEvents = hit ? 'auto' : 'none';
  }
};
// Facility symbols drawn on a canvas (thousands of DOM icons took most of a page's draw
// time): the shapes of maps/style.Symbol.svg at 18 px, the category's fill over a white
// outline. Offsets in pixels from the point; a shape not listed is a circle.
LC.SHAPES = {
  square: [[-6.5, -6.5], [6.5, -6.5], [6.5, 6.5], [-6.5, 6.5]],
  diamond: [[0, -7.5], [7.5, 0], [0, 7.5], [-7.5, 0]],
  triangle: [[0, -7.5], [7.5, 6.5], [-7.5, 6.5]],
  triangle_down: [[-7.5, -6.5], [7.5, -6.5], [0, 7.5]]
};
LC.Symbol = L.CircleMarker.extend({
  _updatePath: function () {
    var renderer = this._renderer, ctx = renderer._ctx, p = this._point;
    if (!renderer._drawing || this._empty()) { return; }
    var shape = LC.SHAPES[this.options.shape];
    ctx.beginPath();
    if (shape) {
      shape.forEach(function (q, i) {
        if (i) { ctx.lineTo(p.x + q[0], p.y + q[1]); } else { ctx.moveTo(p.x + q[0], p.y + q[1]); }
      });
      ctx.closePath();
    } else {
      ctx.arc(p.x, p.y, 7, 0, Math.PI * 2, false);
    }
    ctx.globalAlpha = 1;
    if (ctx.setLineDash) { ctx.setLineDash([]); }
    ctx.lineJoin = 'miter';
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.fillStyle = this.options.fillColor;
    ctx.fill();
  }
});
LC.panes = function (map, panes) {
  panes.forEach(function (p) {
    var el = map.createPane(p[0]);
    el.style.zIndex = p[1];
    if (p[2]) { el.style.pointerEvents = 'none'; }
  });
};
// Compact data sets (maps/compact.py): polyline text of structure and coordinates,
// property columns. Decoded into a GeoJSON FeatureCollection on first use, then kept.
LC.unpoly = function (text, signed) {
  var out = [], value = 0, shift = 0;
  for (var i = 0; i < text.length; i++) {
    var b = text.charCodeAt(i) - 63;
    value += (b & 31) * Math.pow(2, shift);
    if (b & 32) { shift += 5; continue; }
    if (signed) { value = (value % 2) ? -(value + 1) / 2 : value / 2; }
    out.push(value);
    value = 0;
    shift = 0;
  }
  return out;
};
LC.decode = function (d) {
  if (!d || d.lc !== 1) { return d; }
  var s = LC.unpoly(d.s, false), c = LC.unpoly(d.c, true), si = 0, ci = 0, x = 0, y = 0;
  function point() {
    x += c[ci++];
    y += c[ci++];
    return [x / 1e5, y / 1e5];
  }
  function points(n) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) { out[i] = point(); }
    return out;
  }
  function ring() {
    var r = points(s[si++]);
    if (r.length) { r.push(r[0].slice()); }
    return r;
  }
  function polygon() {
    var n = s[si++], out = [];
    for (var i = 0; i < n; i++) { out.push(ring()); }
    return out;
  }
  function many(read) {
    var n = s[si++], out = [];
    for (var i = 0; i < n; i++) { out.push(read()); }
    return out;
  }
  function geometry() {
    var code = s[si++];
    if (code === 0) { return null; }
    if (code === 1) { return {type: 'Point', coordinates: point()}; }
    if (code === 2) { return {type: 'LineString', coordinates: points(s[si++])}; }
    if (code === 3) { return {type: 'Polygon', coordinates: polygon()}; }
    if (code === 4) { return {type: 'MultiPoint', coordinates: points(s[si++])}; }
    if (code === 5) {
      return {type: 'MultiLineString', coordinates: many(function () { return points(s[si++]); })};
    }
    if (code === 6) { return {type: 'MultiPolygon', coordinates: many(polygon)}; }
    return {type: 'GeometryCollection', geometries: many(geometry)};
  }
  var names = Object.keys(d.p), cols = names.map(function (k) {
    var col = d.p[k];
    if (col && !Array.isArray(col)) {
      return col.i.map(function (i) { return i < 0 ? null : col.d[i]; });
    }
    return col;
  });
  var features = new Array(d.n);
  for (var f = 0; f < d.n; f++) {
    var props = {};
    for (var k = 0; k < names.length; k++) {
      var v = cols[k][f];
      if (v !== null && v !== undefined) { props[names[k]] = v; }
    }
    features[f] = {type: 'Feature', properties: props, geometry: geometry()};
  }
  return {type: 'FeatureCollection', features: features};
};
LC.decoded = {};
LC.dataset = function (name) {
  if (!LC.decoded[name]) { LC.decoded[name] = LC.decode(LC.data[name]); }
  return LC.decoded[name];
};
LC.spent = {};  // milliseconds each layer took to decode and add (benchmarks)
LC.now = function () { return window.performance ? performance.now() : Date.now(); };
LC.addLayer = function (group, spec) {
  var start = LC.now();
  var data = LC.dataset(spec.data);
  var opts = {};
  if (spec.filter) {
    opts.filter = function (f) {
      return spec.filter.every(function (c) { return c[1].indexOf(f.properties[c[0]]) >= 0; });
    };
  }
  if (spec.pane) { opts.pane = spec.pane; }
  var base = spec.style || {};
  opts.style = function (f) {
    var s = {};
    for (var k in base) { s[k] = base[k]; }
    if (spec.classes) {
      var c = LC.colour(f.properties[spec.value], spec.classes);
      s.fillColor = c;
      if (spec.strokeByClass) { s.color = c; }
    }
    if (spec.weightBy) {
      var w = spec.weightBy[1][f.properties[spec.weightBy[0]]];
      s.weight = (w === undefined) ? spec.weightBy[2] : w;
    }
    if (spec.catColour) {
      var cat = LC.cats[f.properties[spec.catColour]];
      if (cat) { s.color = cat.colour; s.fillColor = cat.colour; }
    }
    return s;
  };
  if (spec.point === 'circle') {
    opts.pointToLayer = function (f, ll) {
      var o = {radius: spec.radius || 5, pane: spec.pane || 'overlayPane'};
      if (spec.renderer === 'canvas') { o.renderer = LC.canvasIn(o.pane); }
      return L.circleMarker(ll, o);
    };
  } else if (spec.point === 'label') {
    opts.pointToLayer = function (f, ll) { return LC.label(f.properties, ll, spec); };
  } else if (spec.point === 'badge') {
    opts.pointToLayer = function (f, ll) {
      var html = '<span>' + LC.esc(f.properties[spec.badge]) + '</span>';
      return L.marker(ll, {icon: L.divIcon({html: html, className: spec.badgeClass,
        iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -13]}),
        keyboard: false, riseOnHover: true, pane: spec.pane || 'markerPane'});
    };
  } else if (spec.point === 'symbol') {
    opts.pointToLayer = function (f, ll) {
      var cat = LC.cats[f.properties[spec.symbolBy]] || {};
      var pane = spec.pane || 'markerPane';
      return new LC.Symbol(ll, {radius: 9, shape: cat.shape, fillColor: cat.colour || '#555555',
        pane: pane, renderer: LC.canvasIn(pane)});
    };
  }
  if (spec.renderer === 'canvas') { opts.renderer = LC.canvasIn(spec.pane || 'overlayPane'); }
  if (spec.interactive === false) { opts.interactive = false; }
  opts.onEachFeature = function (f, layer) {
    layer._lcData = spec.key;
    if (spec.popup) {
      layer.bindPopup(function () { return LC.popupHtml(f.properties, spec.popup); },
        LC.popupOptions());
    }
    if (spec.tooltip) {
      var tip = f.properties[spec.tooltip];
      if (tip !== null && tip !== undefined && tip !== '') {
        layer.bindTooltip(LC.esc(tip), {sticky: true});
      }
    }
  };
  var geo = L.geoJSON(data, opts);
  geo.addTo(group);
  LC.layers[spec.key] = geo;
  if (spec.point === 'label') { LC.labelLayers.push(geo); LC.showLabels(); }
  if (spec.legend) { LC.legendOf[L.stamp(group)] = spec.legend; }
  LC.spent[spec.key] = LC.now() - start;
  return geo;
};
// A text label (vector basemap): the name, escaped, turned by the property 'a' (degrees),
// shown from the zoom in property 'z' on (LC.showLabels).
LC.labelLayers = [];
LC.label = function (p, ll, spec) {
  var turn = p.a ? ' rotate(' + Number(p.a) + 'deg)' : '';
  var html = '<span style="transform:translate(-50%,-50%)' + turn + '">' +
    LC.esc(p[spec.label]) + '</span>';
  return L.marker(ll, {icon: L.divIcon({html: html, className: spec.labelClass, iconSize: null}),
    interactive: false, keyboard: false, pane: spec.pane, lcMinZoom: Number(p.z) || 0});
};
LC.showLabels = function () {
  var z = LC.map.getZoom();
  LC.labelLayers.forEach(function (geo) {
    geo.eachLayer(function (l) {
      var el = l.getElement();
      if (el) { el.style.display = z >= l.options.lcMinZoom ? '' : 'none'; }
    });
  });
};
// A note on the map, once, when a basemap tile fails to load (blocked or offline network).
LC.watchTiles = function (map, text) {
  var shown = false;
  function fail() {
    if (shown) { return; }
    shown = true;
    var note = L.control({position: 'bottomleft'});
    note.onAdd = function () {
      var div = L.DomUtil.create('div', 'lc-tile-note');
      div.id = 'lc-tile-note';
      div.textContent = text;
      return div;
    };
    note.addTo(map);
  }
  function watch(layer) {
    if (layer instanceof L.TileLayer && !layer._lcWatched) {
      layer._lcWatched = true;
      layer.on('tileerror', fail);
    }
  }
  map.eachLayer(watch);
  map.on('layeradd', function (e) { watch(e.layer); });
};
LC.fill = function (group, spec, key) {
  LC.groups[key] = group;
  if (spec.legend) { LC.legendOf[L.stamp(group)] = spec.legend; }
  if (LC.map.hasLayer(group)) { LC.addLayer(group, spec); return; }
  group.once('add', function () { LC.addLayer(group, spec); });
};
LC.count = function (map) {
  var counts = {};
  map.eachLayer(function (l) {
    if (l._lcData && l.feature) { counts[l._lcData] = (counts[l._lcData] || 0) + 1; }
  });
  return counts;
};
LC.total = function () {
  var counts = {};
  for (var k in LC.layers) { counts[k] = LC.layers[k].getLayers().length; }
  return counts;
};
LC.initLegend = function (map) {
  LC.map = map;
  function show(group, on) {
    var id = LC.legendOf[L.stamp(group)];
    if (!id) { return; }
    var el = document.getElementById(id);
    if (el) { el.style.display = on ? '' : 'none'; }
  }
  for (var gid in LC.legendOf) {
    var el = document.getElementById(LC.legendOf[gid]);
    if (el) { el.style.display = 'none'; }
  }
  map.eachLayer(function (l) { show(l, true); });
  // any way a layer comes and goes (the control, a script) shows or hides its legend
  map.on('layeradd', function (e) { show(e.layer, true); });
  map.on('layerremove', function (e) { show(e.layer, false); });
};
// The layer control: sections (基础 / 服务范围 / 设施 / 缺口 …) that fold open and shut, a
// radio section showing one layer at a time. Collapsed to a button at first; opened, its
// list stops above the legend and scrolls, so it never covers it. Switching a layer
// fires overlayadd/overlayremove as Leaflet's own control does (the legend follows).
LC.layerControl = function (map, config, layers) {
  var control = L.control({position: 'topright'});
  control.onAdd = function () {
    var box = L.DomUtil.create('div', 'leaflet-control lc-layers');
    box.id = 'lc-layers';
    var button = L.DomUtil.create('a', 'lc-layers-toggle', box);
    button.href = '#';
    button.setAttribute('role', 'button');
    button.textContent = config.title;
    var panel = L.DomUtil.create('div', 'lc-layers-panel', box);
    panel.style.display = 'none';
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(button, 'click', function (e) {
      L.DomEvent.preventDefault(e);
      LC.toggleLayers(panel.style.display === 'none');
    });
    config.sections.forEach(function (sec, si) {
      sec.items = sec.names.map(function (name, i) { return [name, layers[si][i]]; });
      LC.layerSection(map, panel, sec, si, config.none);
    });
    LC.layersBox = box;
    LC.layersPanel = panel;
    return box;
  };
  control.addTo(map);
  map.on('resize', function () { LC.fitLayersPanel(); });
  return control;
};
LC.layerSection = function (map, panel, sec, si, noneText) {
  var wrap = L.DomUtil.create('div', 'lc-layers-sec', panel);
  wrap.dataset.section = sec.key;
  var head = L.DomUtil.create('div', 'lc-layers-head', wrap);
  head.textContent = sec.title;
  var list = L.DomUtil.create('div', 'lc-layers-list', wrap);
  if (!sec.open) { wrap.classList.add('lc-closed'); }
  L.DomEvent.on(head, 'click', function () { wrap.classList.toggle('lc-closed'); });
  var inputs = [];
  function row(text, layer) {
    var label = L.DomUtil.create('label', 'lc-layers-item', list);
    var input = L.DomUtil.create('input', '', label);
    input.type = sec.radio ? 'radio' : 'checkbox';
    if (sec.radio) { input.name = 'lc-layers-' + si; }
    input.checked = layer ? map.hasLayer(layer) : false;
    var span = L.DomUtil.create('span', '', label);
    span.textContent = text;
    inputs.push([input, layer]);
    L.DomEvent.on(input, 'change', function () {
      inputs.forEach(function (pair) {
        var on = pair[0].checked;
        if (!pair[1]) { return; }
        if (on && !map.hasLayer(pair[1])) {
          map.addLayer(pair[1]);
          map.fire('overlayadd', {layer: pair[1], name: text});
        } else if (!on && map.hasLayer(pair[1])) {
          map.removeLayer(pair[1]);
          map.fire('overlayremove', {layer: pair[1], name: text});
        }
      });
    });
    return input;
  }
  sec.items.forEach(function (item) { row(item[0], item[1]); });
  if (sec.radio) {
    var none = row(noneText, null);
    none.checked = !sec.items.some(function (item) { return map.hasLayer(item[1]); });
  }
};
LC.fitLayersPanel = function () {
  var panel = LC.layersPanel;
  if (!panel || panel.style.display === 'none') { return; }
  var legend = document.getElementById('lc-legend');
  var top = panel.getBoundingClientRect().top;
  var bottom = window.innerHeight - 10;
  if (legend && legend.offsetHeight) { bottom = legend.getBoundingClientRect().top - 10; }
  panel.style.maxHeight = Math.max(80, bottom - top) + 'px';
};
LC.toggleLayers = function (open) {
  if (!LC.layersPanel) { return; }
  // while the list is open the legend gives it room (it scrolls instead)
  var legend = document.getElementById('lc-legend');
  if (legend) { legend.classList.toggle('lc-legend-short', open); }
  LC.layersPanel.style.display = open ? '' : 'none';
  LC.layersBox.classList.toggle('lc-layers-open', open);
  LC.fitLayersPanel();
};
// Before any layer: the map, its panes, the category names, colours and symbol shapes, the
// tile-failure note and the label zoom rule.
LC.setup = function (map, config) {
  LC.lang = config.lang;
  LC.map = map;
  LC.panes(map, config.panes);
  LC.cats = config.cats;
  if (config.vectorBasemap) { map.getContainer().classList.add('lc-vector-basemap'); }
  LC.watchTiles(map, config.tileError);
  map.on('zoomend', LC.showLabels);
  ['mousemove', 'mousedown', 'touchstart'].forEach(function (type) {
    map.getContainer().addEventListener(type, LC.passThrough, {capture: true, passive: true});
  });
};
// After every layer: scale bar, data attribution, the initial view, the legend.
LC.finish = function (config) {
  var map = LC.map;
  L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
  config.attributions.forEach(function (a) { map.attributionControl.addAttribution(LC.esc(a)); });
  map.fitBounds(config.bounds, {padding: [20, 20]});
  LC.initLegend(map);
  // milliseconds from navigation start until every shown layer is added (benchmarks)
  LC.readyMs = LC.now();
  // and once the browser has laid out and painted them (the frame after the next)
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { LC.paintedMs = LC.now(); });
  });
  window.LC_READY = true;
};
