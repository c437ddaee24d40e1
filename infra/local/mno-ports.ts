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

/** Starts a simulator on its kept port; if another process took that port, on a free one, saying so. */
export const startOnKeptPort = async (options: MnoSimulatorOptions, kept: ReturnType<typeof keptPorts>, log: (message: string) => void): Promise<MnoSimulator> => {
  const port = kept.get(options.id);
  let simulator: MnoSimulator;
  try {
    simulator = await startMnoSimulator({ ...options, port: port ?? 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    simulator = await startMnoSimulator({ ...options, port: 0 });
    log(`port ${port} of simulated MNO ${options.id} is taken by another process: it moves to ${new URL(simulator.url).port} (${simulator.url})`);
  }
  kept.set(options.id, Number(new URL(simulator.url).port));
  return simulator;
};
