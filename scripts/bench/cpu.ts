/**
 * CPU time spent by each process of the stack during a measured phase, divided by the operations: a cost per
 * decision that a busy shared machine distorts far less than latency does, and that says which process
 * (server, worker, bridge) the time goes to. Linux only (`/proc`); elsewhere the figures are null.
 */
import { readFileSync } from 'node:fs';

/** User + system CPU milliseconds of each process, or null where it could not be read. */
export interface CpuTimes {
  readonly server: number | null;
  readonly worker: number | null;
  readonly bench: number;
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

function procCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Reads the CPU times of the server and worker processes and of this one. */
export function cpuTimes(serverPid: number | undefined, workerPid: number): CpuTimes {
  const own = process.cpuUsage();
  return { server: procCpuMs(serverPid), worker: procCpuMs(workerPid), bench: (own.user + own.system) / 1000 };
}

/** CPU milliseconds per operation between two readings. */
export function cpuPerOperation(before: CpuTimes, after: CpuTimes, operations: number): CpuTimes {
  const per = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round(((b - a) / operations) * 1000) / 1000);
  return { server: per(before.server, after.server), worker: per(before.worker, after.worker), bench: per(before.bench, after.bench) ?? 0 };
}

/**
 * CPU milliseconds per second each process burns while nothing is asked of it (the dev server polls and
 * persists on its own), measured over `ms`: the share of a phase's CPU figures that is not the operations'.
 */
export async function idleCpuPerSecond(read: () => CpuTimes, ms: number): Promise<CpuTimes> {
  const before = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuPerOperation(before, read(), ms / 1000);
}
