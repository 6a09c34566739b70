/// <reference types="node" />
// Helpers for the gotrace tests: locate Go's trace test data (vendored in
// testdata/go-trace/, see its README) and build small traces by hand.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goUnquote } from '../../src/gotrace/text_format.js';

// This file runs from dist/test/gotrace/; the repo root is three levels up.
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const testdata = path.resolve(repoRoot, 'testdata', 'go-trace');

export function listDir(sub: string): string[] {
  return fs
    .readdirSync(path.join(testdata, sub))
    .filter((f) => !f.startsWith('.'))
    .sort();
}

export function readBytes(sub: string, name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(testdata, sub, name)));
}

export function readText(sub: string, name: string): string {
  return fs.readFileSync(path.join(testdata, sub, name), 'utf8');
}

/** Decode Go's fuzz-corpus file format: "go test fuzz v1" + []byte("..."). */
export function readFuzzInput(name: string): Uint8Array {
  const text = readText('fuzz-corpus', name);
  const lines = text.split('\n');
  if (lines[0] !== 'go test fuzz v1') throw new Error(`${name}: not a Go fuzz corpus file`);
  const m = /^\[\]byte\((.*)\)$/.exec((lines[1] ?? '').trim());
  if (!m) throw new Error(`${name}: expected []byte("...")`);
  const b = goUnquote(m[1]!);
  if (b === undefined) throw new Error(`${name}: bad Go string literal`);
  return b;
}

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A minimal v1 trace (go 1.19), 107 bytes assembled by hand: one goroutine, one blocking syscall. */
export const MINIMAL_V1_HEX =
  '676f20312e3139207472616365000000 4100e807 450100 84010100 cd0402010100 8e020101 5c0a01 1eb902 0601 ' +
  '45e80700 dd0401010200 8e010103 0f05 0601 02a8d6b907 4100e012 25010b6d61696e2e776f726b6572 ' +
  '2502076d61696e2e676f c3090101 80a08002 010207';

/** A minimal v2 trace (go 1.22), 151 bytes by hand: the same syscall, plus a sysmon M that steals the P. */
export const MINIMAL_V2_HEX =
  '676f20312e3232207472616365000000 ' +
  '0101ffffffffffffffffff01e80705 08a8d6b907 ' +
  '010101e80720 0d010001 0e02010100 10020101 160a0101 0a940a0003 1801 10010102 1105 0b01 ' +
  '010102940a05 0c19000201 ' +
  '0101ffffffffffffffffff01e0120b 02030101 80a08002 010207 ' +
  '0101ffffffffffffffffff01e01219 0405010b6d61696e2e776f726b6572 0502076d61696e2e676f';
