#!/usr/bin/env node
/**
 * Keeps clocks, timers and randomness out of the deterministic core (part of `npm run lint`).
 * dependency-cruiser sees imports only; globals are invisible to it. core/algorithms,
 * core/check and core/sim must not read Date.now / performance.now / new Date(), draw
 * Math.random (or crypto.getRandomValues / randomUUID), or schedule with setTimeout /
 * setInterval / setImmediate / queueMicrotask: time arrives as nowMs or virtual time,
 * randomness from a seeded Prng, so one seed replays a run and a checker's verdict.
 *
 * Parsed with the TypeScript compiler (already a dev dependency), so comments and strings
 * that name these globals are fine. ALLOWED lists the few deliberate exceptions, each with
 * its reason; an entry that no longer matches anything fails too, so the list stays true.
 * Exit 0 clean, 1 with one line per finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// `--root DIR` checks another tree (the script's own test); ALLOWED then applies to nothing.
const rootArg = process.argv.indexOf('--root');
const ROOT = rootArg > 0 ? process.argv[rootArg + 1] : new URL('..', import.meta.url).pathname;
const OWN_TREE = rootArg < 0;
const DIRS = ['core/algorithms', 'core/check', 'core/sim'];

/** `object.member` reads that are forbidden. */
const MEMBERS = new Set(['Date.now', 'performance.now', 'Math.random', 'crypto.getRandomValues', 'crypto.randomUUID']);
/** Bare globals that are forbidden wherever they are referenced (called or passed). */
const GLOBALS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);

/** file -> what it may use, and why. */
const ALLOWED = !OWN_TREE ? {} : {
  'core/sim/wall-clock.ts': { uses: ['performance.now'], why: 'the one wall clock of core/sim: run durations for reports and benches, never an input to a run' },
};

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

/** Every forbidden use in one file, as { what, line }. */
function findings(path) {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const at = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node) => {
    if (ts.isPropertyAccessExpression(node)) {
      const target = ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(source) === 'globalThis' ? node.expression.name.text : node.expression.getText(source);
      const name = `${target}.${node.name.text}`;
      if (MEMBERS.has(name)) found.push({ what: name, line: at(node) });
      if (node.expression.getText(source) === 'globalThis' && GLOBALS.has(node.name.text)) found.push({ what: node.name.text, line: at(node) });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      found.push({ what: 'new Date()', line: at(node) });
    } else if (ts.isIdentifier(node) && GLOBALS.has(node.text)) {
      const parent = node.parent;
      // A property name or a declaration of our own by that name is not the global.
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node) || ts.isMethodDeclaration(parent) || ts.isPropertySignature(parent);
      if (!isName) found.push({ what: node.text, line: at(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const problems = [];
const used = new Map();
for (const dir of DIRS) {
  let paths;
  try {
    paths = [...tsFiles(join(ROOT, dir))];
  } catch {
    continue; // a tree without this folder
  }
  for (const path of paths) {
    const file = relative(ROOT, path);
    const allowed = ALLOWED[file]?.uses ?? [];
    for (const f of findings(path)) {
      if (allowed.includes(f.what)) {
        used.set(file, (used.get(file) ?? new Set()).add(f.what));
        continue;
      }
      problems.push(`${file}:${f.line}: ${f.what} in deterministic code (pass time in as nowMs, draw from a seeded Prng, or measure in wall-clock.ts)`);
    }
  }
}
for (const [file, { uses }] of Object.entries(ALLOWED)) {
  for (const what of uses) {
    if (!used.get(file)?.has(what)) problems.push(`${file}: allowed to use ${what} but no longer does; remove it from ALLOWED in scripts/check-purity.mjs`);
  }
}
if (problems.length > 0) {
  console.error(`check-purity: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-purity: ${DIRS.join(', ')} read no clock, draw no randomness, set no timer (${Object.keys(ALLOWED).length} allowed exceptions)`);
