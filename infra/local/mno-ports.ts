import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startMnoSimulator, type MnoSimulator, type MnoSimulatorOptions } from './mno-simulators/index.ts';
import { replaceFileSync } from './replace-file.ts';

/**
 * The simulated MNOs' ports, kept in `<dataDir>/mno-ports.json` (`{ "<mno id>": <port> }`) so that
 * their URLs survive a restart: a free port the first time, the same one after.
 */
export const keptPorts = (file: string | undefined) => {
  let ports: Record<string, number> = {};
  try {
    if (file) ports = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    ports = {};
  }
  return {
    get: (id: string): number | undefined => (Number.isInteger(ports[id]) && ports[id]! > 0 ? ports[id] : undefined),
    set: (id: string, port: number) => void (ports[id] = port),
    save() {
      if (!file) return;
      replaceFileSync(file, JSON.stringify(ports, null, 2) + '\n');
    },
  };
};

/** The ports the kernel hands out for port 0 and for outgoing connections (Linux; else IANA's 49152–65535). */
export const ephemeralPorts = (rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] => {
  try {
    const [low, high] = readFileSync(rangeFile, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // not Linux
  }
  return [49152, 65535];
};

const FIRST = 20000;
const TRIES = 64;

/**
 * The ports to try for an MNO that has none kept, in order: from a block below the ephemeral range,
 * starting where its id hashes to. A port the kernel would hand out to any process (port 0) could
 * be taken by an outgoing connection while the runtime is stopped, and the kept URL would move.
 * Empty if the ephemeral range leaves no such block.
 */
export const candidatePorts = (id: string, [low]: [number, number] = ephemeralPorts()): number[] => {
  const last = Math.min(32767, low - 1);
  const size = last - FIRST + 1;
  if (size < TRIES) return [];
  const start = createHash('sha256').update(id).digest().readUInt32BE(0) % size;
  return Array.from({ length: TRIES }, (_, i) => FIRST + ((start + i) % size));
};

const inUse = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

const startOnFreePort = async (options: MnoSimulatorOptions): Promise<MnoSimulator> => {
  for (const port of candidatePorts(options.id)) {
    try {
      return await startMnoSimulator({ ...options, port });
    } catch (error) {
      if (!inUse(error)) throw error;
    }
  }
  return startMnoSimulator({ ...options, port: 0 });
};

/** Starts a simulator on its kept port; if another process took that port, on a free one, saying so. */
export const startOnKeptPort = async (options: MnoSimulatorOptions, kept: ReturnType<typeof keptPorts>, log: (message: string) => void): Promise<MnoSimulator> => {
  const port = kept.get(options.id);
  let simulator: MnoSimulator;
  if (port === undefined) simulator = await startOnFreePort(options);
  else {
    try {
      simulator = await startMnoSimulator({ ...options, port });
    } catch (error) {
      if (!inUse(error)) throw error;
      simulator = await startOnFreePort(options);
      log(`port ${port} of simulated MNO ${options.id} is taken by another process: it moves to ${new URL(simulator.url).port} (${simulator.url})`);
    }
  }
  kept.set(options.id, Number(new URL(simulator.url).port));
  return simulator;
};
