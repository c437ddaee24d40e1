import { request } from 'node:http';
import { endpointsFile, OpsError, readEndpoints } from './endpoints.ts';

/** One line per event: time, type, tenant, stream and version. */
export const eventLine = (event: { time?: string; 'detail-type'?: string; detail?: { tenant?: string | null; streamId?: string; version?: number } }) =>
  [event.time ?? '', (event['detail-type'] ?? '').padEnd(28), event.detail?.tenant ?? '(platform)', `${event.detail?.streamId ?? ''}@${event.detail?.version ?? ''}`].join('  ');

/**
 * `ops events --follow`: the local bus, live (the local EventBridge endpoint's feed). Against AWS
 * there is no such feed: following the bus there needs a rule with a CloudWatch Logs target, not
 * built yet, so `--region` is refused with that explanation.
 */
export const followEvents = async (region: string | undefined, json: boolean) => {
  if (region) throw new OpsError('events --follow works against the local runtime only: in AWS it needs a rule with a CloudWatch Logs target, which is not deployed yet');
  const { eventbridge } = readEndpoints(endpointsFile());
  if (!eventbridge) throw new OpsError(`${endpointsFile()} names no eventbridge endpoint`);
  await new Promise<void>((resolve, reject) => {
    const req = request(`${eventbridge}/_local/events`, (res) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line) process.stdout.write((json ? line : eventLine(JSON.parse(line))) + '\n');
        }
      });
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
};
