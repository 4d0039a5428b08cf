/**
 * Top self-time entries of V8 CPU profiles (from `--cpu-prof DIR`):
 *   node --import tsx bench/transfer/summarize-profile.ts FILE.cpuprofile... [--top N]
 * Self time is summed per function (name, file, line) over every sample.
 */
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

type CallFrame = {functionName: string; url: string; lineNumber: number};
type ProfileNode = {id: number; callFrame: CallFrame};
type CpuProfile = {nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]};

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {top: {type: 'string', default: '15'}},
});
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(nodeId);
    const key = frame ? describe(frame) : '?';
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
    total += micros;
  });
  const idle = selfMicros.get('(idle)') ?? 0;
  const busy = total - idle;
  console.log(
    `${path.basename(path.dirname(file))}/${path.basename(file)}: ` +
      `${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy`,
  );
  const rows = [...selfMicros.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, micros] of rows) {
    const share =
      key === '(idle)' ? '' : ` ${((100 * micros) / busy).toFixed(1)}% of busy`;
    console.log(
      `  ${(micros / 1e3).toFixed(0).padStart(7)} ms${share.padEnd(16)}  ${key}`,
    );
  }
}

function describe(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const where = frame.url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '');
  return `${name} ${path.basename(where)}:${frame.lineNumber + 1}`;
}
