// The Node baseline of the check benchmark: what a plain script does with the tutorial's checks
// (JSON.parse, edge references, a decision-node count, a menu-depth walk) over every *.flow.json
// under a folder, on one thread. Run: node bench/node-baseline.js DIR
'use strict';
const fs = require('fs');
const path = require('path');

function* flowFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* flowFiles(full);
    else if (entry.name.endsWith('.flow.json')) yield full;
  }
}

function check(flow) {
  const problems = [];
  const ids = new Map(flow.elements.map((e) => [e.id, e]));
  const out = new Map();
  for (const edge of flow.edges || []) {
    if (!ids.has(edge.from)) problems.push(`edge from unknown ${edge.from}`);
    if (!ids.has(edge.to)) problems.push(`edge to unknown ${edge.to}`);
    if (!out.has(edge.from)) out.set(edge.from, []);
    out.get(edge.from).push(edge.to);
  }
  const isMenu = (e) => e.type === 'menu' || e.type === 'input';
  const decisions = flow.elements.filter((e) => e.type === 'menu' || e.type === 'routing').length;
  // Least number of menus on a path from start to each element (0-1 BFS), then the largest.
  const start = flow.elements.find((e) => e.type === 'start');
  const depth = new Map();
  if (start) {
    const queue = [start.id];
    depth.set(start.id, isMenu(start) ? 1 : 0);
    while (queue.length) {
      const id = queue.shift();
      for (const next of out.get(id) || []) {
        const d = depth.get(id) + (isMenu(ids.get(next) || {}) ? 1 : 0);
        if (!depth.has(next) || d < depth.get(next)) {
          depth.set(next, d);
          queue.push(next);
        }
      }
    }
  }
  return { problems, decisions, depth: Math.max(0, ...depth.values()) };
}

const results = [];
for (const file of flowFiles(process.argv[2] || '.')) {
  const result = check(JSON.parse(fs.readFileSync(file, 'utf8')));
  results.push({ file, ...result });
}
process.stdout.write(JSON.stringify({ files: results.length, problems: results.reduce((n, r) => n + r.problems.length, 0) }) + '\n');
