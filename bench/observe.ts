/**
 * What a benchmark watches besides its own load: the CPU a server process spent (all its threads),
 * and how quickly it answers a probe while it is loaded (its event loop's responsiveness).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

/** Clock ticks per second in /proc/<pid>/stat: USER_HZ, 100 on every Linux this runs on. */
const USER_HZ = 100;

/** CPU milliseconds (user + system, every thread) `pid` has used, or undefined without Linux /proc. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** This process's own CPU milliseconds (the load generator's). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** GETs `path` every `everyMs` on a connection of its own until stopped; resolves with the latencies (ms). */
export function probe(port: number, path: string, everyMs: number): { stop(): Promise<number[]> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        request({ agent, host: "127.0.0.1", port, path }, (res) => {
          res.resume();
          res.on("end", () => resolve(true));
        })
          .on("error", () => resolve(false))
          .end();
      });
      if (ok) latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return latencies;
    },
  };
}
