import { json, matchPath, parseJson, type CmpReply } from './http.ts';
import { parseAnomaly } from './traffic-anomaly.ts';
import type { TrafficGenerator } from './traffic.ts';

/**
 * The admin routes for a simulated MNO's traffic (unauthenticated and on loopback, as
 * `/_sim/faults`): `PUT /_sim/traffic/{iccid}` sets a SIM's anomaly (the JSON body) and answers
 * once its records were handed to delivery; `DELETE` puts the SIM back to normal; `GET
 * /_sim/traffic` (or `/{iccid}`) shows what is set and the delivery counts. 409 until the runtime
 * attached a generator. Undefined for a path that is not one of these.
 */
const ICCID = /^\d{18,20}$/;

export const trafficRoutes = async (generator: TrafficGenerator | undefined, method: string, path: string, body: Buffer): Promise<CmpReply | undefined> => {
  const one = matchPath('/_sim/traffic/{iccid}', path);
  if (path !== '/_sim/traffic' && !one) return undefined;
  if (!generator) return json(409, { error: 'no traffic generator attached' });
  if (!one) return method === 'GET' ? json(200, { mnoId: generator.mnoId, anomalies: generator.anomalies(), stats: generator.stats() }) : json(405, { error: `${method} /_sim/traffic: GET only` });
  const iccid = one.iccid!;
  if (!ICCID.test(iccid)) return json(400, { error: 'invalid iccid: an ICCID is 18–20 digits', issues: [{ path: 'iccid', message: 'an ICCID is 18–20 digits' }] });
  switch (method) {
    case 'GET': {
      const anomaly = generator.anomalies()[iccid];
      return anomaly ? json(200, { iccid, anomaly }) : json(404, { error: `no anomaly set on ${iccid}` });
    }
    case 'PUT': {
      const value = parseJson(body);
      if (value === undefined) return json(400, { error: 'invalid anomaly: the body is not JSON' });
      const parsed = parseAnomaly(value);
      if (parsed.error !== undefined) return json(400, { error: parsed.error, issues: parsed.issues });
      try {
        const { emitted, delivered } = await generator.setAnomaly(iccid, parsed.anomaly);
        const note = emitted === 0 ? { note: 'the SIM is not active on this MNO: it sends nothing until it is' } : {};
        return json(200, { iccid, anomaly: parsed.anomaly, emitted, delivered, ...note });
      } catch (error) {
        if (error instanceof RangeError) return json(409, { error: error.message });
        throw error;
      }
    }
    case 'DELETE':
      generator.clearAnomaly(iccid);
      return json(204);
    default:
      return json(405, { error: `${method} /_sim/traffic/{iccid}: GET, PUT or DELETE` });
  }
};
