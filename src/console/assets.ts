/**
 * The console's only style sheet and script, served from /console/assets/ so the pages carry
 * no inline code at all (the Content-Security-Policy allows scripts and styles from 'self'
 * only). Both are constants written here: nothing in them comes from a request.
 */

export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --accent: #0b5cad; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --focus: #fb8c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem 1rem; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 600; }
header.top nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { font-weight: 600; text-decoration-thickness: 3px; }
header.top .who { display: flex; gap: .75rem; align-items: center; color: var(--muted); }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h2.flush { margin-top: 0; border: none; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.title { overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .75rem; font-size: .85rem; border: 1px solid currentColor; }
.badge.escalated { color: var(--bad); }
.badge.reminded { color: var(--warn); }
.status-completed { color: var(--ok); font-weight: 600; }
.status-failed, .status-rejected, .status-cancelled, .status-approval_expired { color: var(--bad); font-weight: 600; }
.panel { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; background: var(--panel); margin: 1rem 0; }
.panel.waiting { border-left: 6px solid var(--warn); }
.alert { border: 2px solid var(--bad); background: #fff1f0; border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
.notice { border: 2px solid var(--ok); background: #effaf1; border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
.muted { color: var(--muted); }
form.stack { display: grid; gap: .6rem; max-width: 48rem; }
form.inline { display: inline; }
label { font-weight: 600; }
.hint { font-weight: normal; color: var(--muted); font-size: .9rem; }
input[type=text], input[type=password], input[type=number], textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #8c959f; border-radius: .35rem; width: 100%; }
textarea { min-height: 5rem; }
label.check { font-weight: normal; margin-right: 1rem; white-space: nowrap; }
fieldset { border: 1px solid var(--line); border-radius: .35rem; }
.buttons { display: flex; flex-wrap: wrap; gap: .6rem; }
button { font: inherit; padding: .45rem 1rem; border-radius: .35rem; border: 1px solid #8c959f; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--bad); border-color: var(--bad); }
button.link { border: none; background: none; color: var(--accent); text-decoration: underline; padding: 0; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: .35rem; padding: .75rem; overflow: auto; max-height: 32rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; }
pre.diff { white-space: pre; }
pre.diff .add { color: #116329; background: #e6ffec; display: block; }
pre.diff .del { color: #82071e; background: #ffebe9; display: block; }
pre.diff .hunk { color: var(--accent); display: block; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { padding: .3rem .75rem; overflow-wrap: anywhere; }
ol.timeline li.new { background: #fff8c5; }
ol.timeline time, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; color: var(--muted); }
.level-WARN { color: var(--warn); font-weight: 600; }
.level-ERROR { color: var(--bad); font-weight: 600; }
details { margin: .5rem 0; }
summary { cursor: pointer; }
.turn { border-left: 3px solid var(--line); padding-left: .75rem; margin: .75rem 0; }
.turn .role { font-weight: 600; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; }
.stats div { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; background: var(--panel); }
.stats strong { display: block; font-size: 1.5rem; }
`;

/**
 * The issue page's live timeline: an EventSource on the event stream appends each new
 * log line and updates the status. Everything goes in through textContent, never as HTML.
 */
export const CONSOLE_JS = `
(function () {
  'use strict';
  var timeline = document.getElementById('timeline');
  if (!timeline || !window.EventSource) return;
  var live = document.getElementById('live-state');
  var lastId = Number(timeline.getAttribute('data-after') || '0');
  var pendingKey = timeline.getAttribute('data-pending-key') || '';
  var stageEl = document.getElementById('issue-stage');
  var stage = stageEl ? stageEl.textContent : '';
  var showStale = function () { var stale = document.getElementById('stale-notice'); if (stale) stale.hidden = false; };
  var say = function (text) { if (live) live.textContent = text; };
  var source = new EventSource(timeline.getAttribute('data-events') + '?after=' + encodeURIComponent(String(lastId)));
  var setText = function (id, text) { var el = document.getElementById(id); if (el) el.textContent = text; };
  var time = function (iso) { return iso ? iso.slice(0, 19).replace('T', ' ') + ' UTC' : ''; };
  source.addEventListener('open', function () { say('Live: following this issue as it changes.'); });
  source.addEventListener('log', function (event) {
    var entry = JSON.parse(event.data);
    if (entry.id <= lastId) return;
    lastId = entry.id;
    var empty = document.getElementById('timeline-empty');
    if (empty) empty.remove();
    var item = document.createElement('li');
    item.className = 'new';
    item.setAttribute('data-log-id', String(entry.id));
    var when = document.createElement('time');
    when.setAttribute('datetime', entry.time);
    when.textContent = time(entry.time);
    var level = document.createElement('span');
    level.className = 'level-' + entry.level;
    level.textContent = ' ' + entry.level + ' ';
    var message = document.createElement('span');
    message.textContent = entry.message;
    item.appendChild(when); item.appendChild(level); item.appendChild(message);
    timeline.appendChild(item);
  });
  source.addEventListener('status', function (event) {
    var status = JSON.parse(event.data);
    var badge = document.getElementById('issue-status');
    if (badge) { badge.textContent = status.status; badge.className = 'status-' + status.status; }
    setText('issue-stage', status.stage || '—');
    setText('issue-step', status.currentStep || '—');
    setText('issue-cost', status.cost);
    // A new wait (its forms), a new stage (its artifacts) or the end: the page's other sections are behind.
    if (status.pendingKey !== pendingKey || (status.stage || '—') !== stage || status.ended) showStale();
  });
  source.addEventListener('end', function () {
    source.close();
    say('This issue has ended: no more updates.');
  });
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED) say('Live updates stopped: reload the page to resume.');
    else say('Live: reconnecting…');
  });
})();
`;
